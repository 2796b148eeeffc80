export { CellTraffic, createCellTraffic } from "./cellTraffic";
export type {
  CellTrafficArgs,
  CellTrafficOutputs,
  HostedGateResources,
  PeerGate,
  TrafficSwitchConfig,
} from "./cellTraffic";
export {
  GATE_NAMESPACE,
  GATE_METRIC,
  GATE_ALARM,
  GATE_INSUFFICIENT_DATA,
  WRITER_WEIGHT,
  gateDimensions,
  gateAlarmName,
  gateQuorum,
  gateRegionsOf,
  recordName,
} from "./switch";
