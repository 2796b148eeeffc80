export {
  CellFunctions,
  CONSUMERS,
  createCellFunctions,
  ESM_TYPE,
  functionsArgIssues,
  mappingsEnabledAtCreation,
  VISIBILITY_TIMEOUT_FACTOR,
} from "./functions";
export type {
  CellFunctionsArgs,
  CellFunctionsOutputs,
  FunctionsSettings,
  FunctionsTable,
  ManifestConsumer,
  ManifestFunctions,
} from "./functions";
export { bundleHandler, handlerArchive, HANDLERS, BUNDLE_FILE } from "./bundle";
export type { HandlerRole } from "./bundle";
export { admissionReadStatement, queueConsumerPolicy, streamProcessorPolicy } from "./iam";
export { cellFunctionsArgs } from "./config";
