export {
  CellKey,
  createCellKey,
  cellKeyAliasName,
  cellKeyArgIssues,
  kmsKeyArnRegion,
} from "./cellKey";
export type { CellKeyArgs, CellKeyOutputs } from "./cellKey";
