export {
  CellCompute,
  createCellCompute,
  computeDefaults,
  computeArgProblems,
  nodeCountProblem,
  CONTROL_PLANE_LOG_TYPES,
  DEFAULT_SSL_POLICY,
  CLUSTER_ADMIN_POLICY_ARN,
  amiTypeFor,
} from "./compute";
export type { CellComputeArgs, CellComputeOutputs } from "./compute";
export { boundedName } from "./awsName";
