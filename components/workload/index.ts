export {
  CellWorkload,
  createCellWorkload,
  workloadDefaults,
  workloadArgProblems,
  CONTROLLER_CHART,
  CELL_SERVICE_IMAGE,
  CELL_NAMESPACE,
  CELL_SERVICE_NAME,
  READINESS_GATE_LABEL,
} from "./workload";
export type { CellWorkloadArgs, CellWorkloadOutputs, CellWorkloadDefaults } from "./workload";
export { cellServiceNginxConfig, DEFAULT_HEALTH_CHECK_PATH, HEALTH_BODY } from "./health";
export {
  controllerPolicy,
  controllerTrustPolicy,
  CONTROLLER_NAMESPACE,
  CONTROLLER_SERVICE_ACCOUNT,
} from "./iam";
export { execKubeconfig } from "./kubeconfig";
