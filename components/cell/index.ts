export { RegionalCell, createRegionalCell, requireHome } from "./cell";
export type { RegionalCellArgs, Deferral, CellParts, CellEndpoints } from "./cell";
export { HOME_ONLY_TYPES, HOME_ONLY_SUBTREES, JOINER_ONLY_TYPES, cellShape } from "./shape";
