export { GlobalTables, createGlobalTables } from "./globalTables";
export type { GlobalTablesArgs, GlobalTablesOutputs, GlobalTableEntry } from "./globalTables";
export {
  CONTROL_TABLE,
  CONTROL_PARTITION_KEY,
  camelRole,
  planTables,
  checkHomeTableArns,
} from "./plan";
export type { TableSpec, KeyType, PlannedTable } from "./plan";
