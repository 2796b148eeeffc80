export { CellObservability, createCellObservability } from "./cellObservability";
export type {
  CellObservabilityArgs,
  CellObservabilityOutputs,
  CreatedAlarm,
} from "./cellObservability";
export {
  auroraLagAlarm,
  dynamodbLagAlarm,
  mskLagAlarm,
  loadBalancer5xxAlarm,
  dashboardBody,
} from "./alarms";
export type { AlarmSpec, AlarmThresholds, AlarmKind, ResolvedAlarmSpec } from "./alarms";
