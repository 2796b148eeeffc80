export { CellApi, createCellApi, apiDefaults } from "./cellApi";
export type { CellApiArgs, CellApiOutputs, ApiResources } from "./cellApi";
export {
  ROUTES,
  STAGE_NAME,
  HEALTH_PATH,
  routeKey,
  sqsIntegrationUri,
  startSyncExecutionUri,
  integrationPolicy,
} from "./routes";
export type { ApiRole, RouteSpec, RouteIntegration, RouteAuthorization } from "./routes";
