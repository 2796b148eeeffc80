export { AuroraGlobalDatabase, createAuroraGlobalDatabase } from "./auroraGlobalDatabase";
export type { AuroraGlobalDatabaseArgs, AuroraGlobalDatabaseOutputs } from "./auroraGlobalDatabase";
export {
  ENGINE_SETTINGS,
  auroraArgIssues,
  defaultMaintenanceWindow,
  globalClusterArnFrom,
  parseBackupWindow,
  parseMaintenanceWindow,
  rdsIdentifierProblem,
  windowIssues,
  windowsOverlap,
} from "./settings";
export type { AuroraEngine, EngineSettings } from "./settings";
