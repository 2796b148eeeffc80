export { runDrill, scenarioFaults, SCENARIOS, OperatorCrash } from "./harness";
export type { DrillOptions, DrillResult, DrillStep, ScenarioName, StoreResult } from "./harness";
export { describeFault, randomFaults, scheduleFaults, RANDOM_FAULTS } from "./faults";
export type { FaultSpec, FaultType } from "./faults";
export { readFaultsFile } from "./options";
export { INVARIANTS } from "./checker";
export type { DrillObservations, InvariantCheck, InvariantName } from "./checker";
export {
  drillSummary,
  drillVerdict,
  renderMarkdown,
  renderSvg,
  renderText,
  writeDrillReport,
} from "./report";
export type { DrillSummary } from "./report";
