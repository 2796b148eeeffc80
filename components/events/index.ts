export { CellEvents, createCellEvents, lakePrefixes } from "./events";
export type { CellEventsArgs, CellEventsOutputs, ManifestEvents } from "./events";
export {
  aslIssues,
  jobWorkflowDefinition,
  ungatedWrites,
  JOB_EVENT_DETAIL_TYPE,
  NOT_ADMITTED_ERROR,
} from "./workflow";
export type { AslDefinition, JobWorkflowParams } from "./workflow";
export { cellEventsArgs } from "./config";
