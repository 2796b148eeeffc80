/*
 * The runbooks' step builders, one file per phase, in the order a run meets them. Every
 * builder takes the run's StepCtx (context.ts) and names each call's region explicitly.
 */
export { approval } from "./approval";
export {
  DEFAULT_QUEUE_DRAIN_SECONDS,
  disableSourceConsumers,
  drainQueues,
  enableTargetConsumers,
  preflightConsumers,
  reprotectConsumers,
  writerOnlyConsumers,
} from "./consumers";
export { drainAurora, drainDynamo, drainMsk } from "./drain";
export { DEFAULT_WRITER_LEASE_SECONDS, fenceSource, unfenceTarget, writerRecord } from "./fence";
export {
  preflightAurora,
  preflightCache,
  preflightCapacity,
  preflightDynamo,
  preflightIdentity,
  preflightMsk,
  reprotectFence,
} from "./preflight";
export { auroraPromote, cacheFailover, mskCheckpoint } from "./promote";
export { trafficMove } from "./traffic";
export { releaseRun, verifyRun, writerRouteHealthy } from "./verify";
