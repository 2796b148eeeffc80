export {
  CellNetwork,
  createCellNetwork,
  networkArgIssues,
  GATEWAY_ENDPOINT_SERVICES,
} from "./network";
export type { CellNetworkArgs, CellNetworkOutputs } from "./network";
export {
  subnetLayout,
  cidrBlockProblem,
  azCountProblem,
  MIN_AZ_COUNT,
  MAX_AZ_COUNT,
  MIN_VPC_PREFIX,
  MAX_VPC_PREFIX,
} from "./subnetLayout";
export type { SubnetLayout } from "./subnetLayout";
