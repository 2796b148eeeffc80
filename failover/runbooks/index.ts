import { Step } from "../engine/graph";
import { RunbookDeps, RunbookParams, StepCtx, makeCtx } from "./context";
import {
  approval,
  auroraPromote,
  cacheFailover,
  disableSourceConsumers,
  drainAurora,
  drainDynamo,
  drainMsk,
  drainQueues,
  enableTargetConsumers,
  fenceSource,
  mskCheckpoint,
  preflightAurora,
  preflightCache,
  preflightCapacity,
  preflightConsumers,
  preflightDynamo,
  preflightIdentity,
  preflightMsk,
  releaseRun,
  reprotectConsumers,
  reprotectFence,
  trafficMove,
  unfenceTarget,
  verifyRun,
  writerRecord,
} from "./steps";

export * from "./context";
export * from "./topology";
export { resolveCurrentState, nextEpoch } from "./state";
export {
  DEFAULT_QUEUE_DRAIN_SECONDS,
  DEFAULT_WRITER_LEASE_SECONDS,
  writerOnlyConsumers,
} from "./steps";
export {
  ClaimHeldError,
  claimFor,
  claimRegions,
  nextEpochIn,
  releaseClaim,
  takeClaim,
} from "./claim";

const present = (steps: (Step | undefined)[]): Step[] => steps.filter((s): s is Step => !!s);
const ids = (steps: (Step | undefined)[]): string[] => present(steps).map((s) => s.id);

/**
 * The step graph of a run (DESIGN.md section 5).
 *
 * switchover / failback (planned, RPO 0):
 *   preflight (parallel) -> approve -> fence source -> drain Aurora | DynamoDB | MSK and
 *   traffic.close -> traffic.open (parallel with the drains) -> Aurora switchover (after the
 *   Aurora drain) | cache failover (after every drain: promoting the cache while the fenced
 *   source still replicates lost in-flight cache writes in the simulator's soak) -> writer
 *   record (after every drain) -> unfence target (after traffic.open and the writer record) ->
 *   verify (also waits for the cache).
 *   Traffic moves as soon as the source is fenced: DNS propagation then overlaps the drains and
 *   the promotion instead of following them, and the target stays fenced until it is promoted,
 *   so clients that arrive early are refused, never accepted twice. The target opens only once
 *   Route 53 sees the source closed, so it never counts two writer records healthy.
 *   failback adds `reprotect.fence`: the returning region must still be fenced locally.
 *
 * failover (unplanned, every call in the target region or its ARC endpoints):
 *   preflight (parallel, records the RPO estimate) -> typed confirmation -> fence source ->
 *   Aurora failover (AllowDataLoss) | cache failover | MSK offsets | traffic.close ->
 *   traffic.open (parallel) -> writer record (after Aurora) -> unfence target (after
 *   traffic.open too) -> verify.
 *
 * restore (a planned run stopped before promotion; `from` = `to` = the Aurora writer):
 *   approve -> writer record -> close every other cell -> open its writer gate -> unfence ->
 *   verify.
 */
/** Credentials and every replicated store, checked in parallel before any run changes state. */
function storePreflights(c: StepCtx): (Step | undefined)[] {
  return [
    preflightIdentity(c),
    preflightAurora(c),
    preflightDynamo(c),
    preflightMsk(c),
    preflightCache(c),
    preflightConsumers(c),
  ];
}

export function buildRunbook(params: RunbookParams, deps: RunbookDeps): Step[] {
  const c = makeCtx(params, deps);
  if (params.kind === "restore") {
    const identity = preflightIdentity(c);
    const approve = approval(c, [identity.id]);
    const writer = writerRecord(c, [approve.id]);
    const consumers = enableTargetConsumers(c, [writer.id]);
    const [close, open] = trafficMove(c, [writer.id]);
    const unfence = unfenceTarget(c, ids([open, consumers]));
    const verify = verifyRun(c, [unfence.id]);
    return present([
      identity,
      approve,
      writer,
      consumers,
      close,
      open,
      unfence,
      verify,
      releaseRun(c, [verify.id]),
    ]);
  }
  if (params.kind === "failover") {
    const preflight = storePreflights(c);
    const approve = approval(c, ids(preflight));
    const fence = fenceSource(c, [approve.id]);
    const aurora = auroraPromote(c, [fence.id]);
    const cache = cacheFailover(c, [fence.id]);
    const msk = mskCheckpoint(c, [fence.id]);
    const writer = writerRecord(c, ids([fence, aurora]));
    const consumers = enableTargetConsumers(c, [writer.id]);
    const [close, open] = trafficMove(c, [fence.id]);
    const unfence = unfenceTarget(c, ids([open, writer, consumers]));
    const verify = verifyRun(c, ids([unfence, cache, msk]));
    return present([
      ...preflight,
      approve,
      fence,
      aurora,
      cache,
      msk,
      writer,
      consumers,
      close,
      open,
      unfence,
      verify,
      releaseRun(c, [verify.id]),
    ]);
  }
  const preflight = [
    ...storePreflights(c),
    preflightCapacity(c),
    params.kind === "failback" ? reprotectFence(c) : undefined,
  ];
  const approve = approval(c, ids(preflight));
  const reprotect = params.kind === "failback" ? reprotectConsumers(c, [approve.id]) : undefined;
  const queueDrain = drainQueues(c, [approve.id]);
  const fence = fenceSource(c, ids([approve, queueDrain]));
  const drains = [drainAurora(c), drainDynamo(c), drainMsk(c)];
  const aurora = auroraPromote(c, ids([fence, drains[0]]));
  const cache = cacheFailover(c, ids([fence, ...drains]));
  const writer = writerRecord(c, ids([fence, aurora, ...drains]));
  const disable = disableSourceConsumers(c, [fence.id]);
  const enable = enableTargetConsumers(c, ids([writer, disable, reprotect]));
  const [close, open] = trafficMove(c, [fence.id]);
  const unfence = unfenceTarget(c, ids([open, writer, enable]));
  const verify = verifyRun(c, ids([unfence, cache]));
  return present([
    ...preflight,
    approve,
    reprotect,
    queueDrain,
    fence,
    ...drains,
    disable,
    aurora,
    cache,
    writer,
    enable,
    close,
    open,
    unfence,
    verify,
    releaseRun(c, [verify.id]),
  ]);
}
