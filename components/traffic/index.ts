export { CellTraffic, createCellTraffic } from "./cellTraffic";
export type { CellTrafficArgs, CellTrafficOutputs, TrafficSwitchConfig } from "./cellTraffic";
export {
  GATE_NAMESPACE,
  GATE_METRIC,
  GATE_ALARM,
  gateDimensions,
  gateAlarmName,
  failoverRole,
  recordName,
} from "./switch";
