export { WorkQueue, createWorkQueue } from "./queue";
export type { WorkQueueArgs, WorkQueueOutputs } from "./queue";
