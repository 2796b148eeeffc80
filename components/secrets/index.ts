export {
  ReplicatedSecret,
  createReplicatedSecret,
  replicatedSecretArgIssues,
  replicaRegionsProblem,
} from "./replicatedSecret";
export type { ReplicatedSecretArgs, ReplicatedSecretOutputs } from "./replicatedSecret";
export { replicaSecretArn, parseSecretArn } from "./arn";
export type { SecretArnParts } from "./arn";
