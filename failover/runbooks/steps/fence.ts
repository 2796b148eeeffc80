import { Region } from "../../adapters/types";
import { Step, StepConditionError, StepContext, VerifyResult } from "../../engine/graph";
import { StepCtx, step } from "../context";
import { controlTable, isoAt, ownedByThisRun } from "./shared";

/* Fencing and the writer record (the DR control table). */

function fenceStep(
  c: StepCtx,
  o: {
    id: string;
    fenceRegion: Region;
    fenced: boolean;
    actRegion: Region;
    dependsOn: string[];
    alsoVisibleIn?: Region;
    ifFailed: string;
  },
): Step {
  const read = (region: Region) =>
    c.aws.dynamodb.readControl(region, controlTable(c), [o.fenceRegion]);
  /** This run's write is what the region holds; a newer epoch there means another run acted. */
  const holds = async (region: Region, runId: string) => {
    const f = (await read(region)).fences.find((x) => x.region === o.fenceRegion);
    return (
      ownedByThisRun(f, c.run.epoch, runId, `fence#${o.fenceRegion} in ${region}`) &&
      f!.fenced === o.fenced
    );
  };
  return step({
    id: o.id,
    title: `${o.fenced ? "Fence" : "Unfence"} writes in ${o.fenceRegion} (control table, written in ${o.actRegion})`,
    region: o.actRegion,
    dependsOn: o.dependsOn,
    mutates: true,
    budgetSeconds: o.alsoVisibleIn ? 3 : 1,
    timeoutSeconds: 180,
    pollSeconds: 1,
    isDone: (ctx) => holds(o.actRegion, ctx.runId),
    run: async (ctx) => {
      const r = await c.aws.dynamodb.putFence(o.actRegion, controlTable(c), {
        region: o.fenceRegion,
        fenced: o.fenced,
        epoch: c.run.epoch,
        runId: ctx.runId,
        updatedAt: isoAt(ctx),
      });
      if (r.outcome === "superseded") {
        throw new StepConditionError(
          `fence#${o.fenceRegion} holds epoch ${r.currentEpoch ?? "?"}, newer than this run's ${c.run.epoch}: another run has acted since. Check 'failover status'.`,
        );
      }
    },
    verify: async (ctx): Promise<VerifyResult> => {
      if (!(await holds(o.actRegion, ctx.runId)))
        return { ok: false, detail: "not readable back yet" };
      if (o.alsoVisibleIn && !(await holds(o.alsoVisibleIn, ctx.runId))) {
        return { ok: false, detail: `not replicated to ${o.alsoVisibleIn} yet` };
      }
      return { ok: true };
    },
    ifFailed: o.ifFailed,
  });
}

export function fenceSource(c: StepCtx, dependsOn: string[]): Step {
  // Planned: written in the source itself, so its applications see it on their next local
  // read; verified in the target too, which proves the control table has replicated past it.
  return fenceStep(c, {
    id: "fence.source",
    fenceRegion: c.run.from,
    fenced: true,
    actRegion: c.unplanned ? c.run.to : c.run.from,
    alsoVisibleIn: c.unplanned ? undefined : c.run.to,
    dependsOn,
    ifFailed: `${c.run.from} may or may not be fenced yet; it is still the Aurora writer. Resume to continue, or restore it with 'failover switchover --to ${c.run.from} --abandon <run id>'.`,
  });
}

export function unfenceTarget(c: StepCtx, dependsOn: string[]): Step {
  return fenceStep(c, {
    id: "unfence.target",
    fenceRegion: c.run.to,
    fenced: false,
    actRegion: c.run.to,
    dependsOn,
    ifFailed: `${c.run.to} is the writer but still fenced: writes are refused everywhere. Resume now.`,
  });
}

export function writerRecord(c: StepCtx, dependsOn: string[]): Step {
  const read = async () => (await c.aws.dynamodb.readControl(c.run.to, controlTable(c), [])).writer;
  return step({
    id: "writer.record",
    title: `Record ${c.run.to} as the writer (control table, in ${c.run.to})`,
    region: c.run.to,
    dependsOn,
    mutates: true,
    budgetSeconds: 1,
    pollSeconds: 1,
    isDone: async (ctx) => {
      const w = await read();
      return ownedByThisRun(w, c.run.epoch, ctx.runId, "the writer item") && w!.region === c.run.to;
    },
    run: async (ctx) => {
      if (c.unplanned) await awaitSourceLease(c, ctx);
      const r = await c.aws.dynamodb.putWriter(c.run.to, controlTable(c), {
        region: c.run.to,
        epoch: c.run.epoch,
        runId: ctx.runId,
        updatedAt: isoAt(ctx),
      });
      if (r.outcome === "superseded") {
        throw new StepConditionError(
          `the writer item holds epoch ${r.currentEpoch ?? "?"}, newer than this run's ${c.run.epoch}: another run has acted since. Check 'failover status'.`,
        );
      }
    },
    verify: async (ctx) => {
      const w = await read();
      const ok =
        ownedByThisRun(w, c.run.epoch, ctx.runId, "the writer item") && w!.region === c.run.to;
      return {
        ok,
        detail: `writer item says ${w?.region ?? "nothing"} (epoch ${w?.epoch ?? "-"})`,
      };
    },
    ifFailed: `The database has moved to ${c.run.to}; both regions are fenced, so nothing accepts writes. Resume now.`,
  });
}

export const DEFAULT_WRITER_LEASE_SECONDS = 3;
/** Margin for the clocks of the operator's machine and the services (NTP keeps them closer). */
const LEASE_MARGIN_MS = 1_000;

/**
 * Failover only. A service admits writes while a peer is silent only if its writer item was
 * written after it lost that peer plus the writer lease (admission/: the old writer has stopped
 * by then). Record the target too early and its services refuse every write until the failed
 * region returns, although the run "succeeded". So the writer item waits until the failed
 * region's last heartbeat seen in the target (or, with no heartbeat items, the start of this
 * run, when the region was already down) plus the lease has passed. Aurora's failover usually
 * takes far longer than the lease, so this rarely waits.
 */
async function awaitSourceLease(c: StepCtx, ctx: StepContext): Promise<void> {
  const leaseMs = (c.run.thresholds.writerLeaseSeconds ?? DEFAULT_WRITER_LEASE_SECONDS) * 1000;
  const started = (ctx.outputs["preflight.identity"] as { checkedAt?: number } | undefined)
    ?.checkedAt;
  const heard = await c.aws.dynamodb.lastHeartbeat(c.run.to, controlTable(c), c.run.from);
  const lostAt = Math.max(heard ?? 0, started ?? ctx.clock.now());
  const waitMs = lostAt + leaseMs + LEASE_MARGIN_MS - ctx.clock.now();
  if (waitMs <= 0) return;
  ctx.note(
    `waiting ${(waitMs / 1000).toFixed(1)} s for ${c.run.from}'s writer lease to run out as seen in ${c.run.to} (${heard !== undefined ? "last heartbeat" : "run start"} + ${leaseMs / 1000} s)`,
  );
  await ctx.clock.sleep(waitMs, ctx.signal);
}
