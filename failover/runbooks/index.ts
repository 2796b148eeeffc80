import { Step } from "../engine/graph";
import { RunbookDeps, RunbookParams, StepCtx, makeCtx } from "./context";
import {
  approval,
  auroraPromote,
  cacheFailover,
  drainAurora,
  drainDynamo,
  drainMsk,
  fenceSource,
  mskCheckpoint,
  preflightAurora,
  preflightCache,
  preflightCapacity,
  preflightDynamo,
  preflightIdentity,
  preflightMsk,
  releaseRun,
  reprotectFence,
  trafficMove,
  unfenceTarget,
  verifyRun,
  writerRecord,
} from "./steps";

export * from "./context";
export * from "./topology";
export { resolveCurrentState, nextEpoch } from "./state";
export { DEFAULT_WRITER_LEASE_SECONDS } from "./steps";
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
  ];
}

export function buildRunbook(params: RunbookParams, deps: RunbookDeps): Step[] {
  const c = makeCtx(params, deps);
  if (params.kind === "restore") {
    const identity = preflightIdentity(c);
    const approve = approval(c, [identity.id]);
    const writer = writerRecord(c, [approve.id]);
    const [close, open] = trafficMove(c, [writer.id]);
    const unfence = unfenceTarget(c, [open.id]);
    const verify = verifyRun(c, [unfence.id]);
    return [identity, approve, writer, close, open, unfence, verify, releaseRun(c, [verify.id])];
  }
  if (params.kind === "failover") {
    const preflight = storePreflights(c);
    const approve = approval(c, ids(preflight));
    const fence = fenceSource(c, [approve.id]);
    const aurora = auroraPromote(c, [fence.id]);
    const cache = cacheFailover(c, [fence.id]);
    const msk = mskCheckpoint(c, [fence.id]);
    const writer = writerRecord(c, ids([fence, aurora]));
    const [close, open] = trafficMove(c, [fence.id]);
    const unfence = unfenceTarget(c, [open.id, writer.id]);
    const verify = verifyRun(c, ids([unfence, cache, msk]));
    return present([
      ...preflight,
      approve,
      fence,
      aurora,
      cache,
      msk,
      writer,
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
  const fence = fenceSource(c, [approve.id]);
  const drains = [drainAurora(c), drainDynamo(c), drainMsk(c)];
  const aurora = auroraPromote(c, ids([fence, drains[0]]));
  const cache = cacheFailover(c, ids([fence, ...drains]));
  const writer = writerRecord(c, ids([fence, aurora, ...drains]));
  const [close, open] = trafficMove(c, [fence.id]);
  const unfence = unfenceTarget(c, [open.id, writer.id]);
  const verify = verifyRun(c, ids([unfence, cache]));
  return present([
    ...preflight,
    approve,
    fence,
    ...drains,
    aurora,
    cache,
    writer,
    close,
    open,
    unfence,
    verify,
    releaseRun(c, [verify.id]),
  ]);
}
