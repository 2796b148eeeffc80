export { Edge, createEdge } from "./edge";
export type { EdgeArgs, EdgeOutputs } from "./edge";
export { edgeArgsFor } from "./fromConfig";
export * from "./settings";
