import { DrManifest } from "../../../manifest";
import { Region } from "../../adapters/types";
import { Step } from "../../engine/graph";
import { isTransient } from "../../engine/retry";
import { claimFor, claimRegions, releaseClaim } from "../claim";
import { RunbookDeps, StepCtx, step } from "../context";
import { controlTable, isoAt } from "./shared";
import { route53GateQuorum, writerSwitchProblem } from "./traffic";

/* Verification and the end of the run. */

/**
 * Whether Route 53 would send writer traffic to a cell: its writer check is healthy. Read from
 * the gate checks (a majority healthy) or the routing control, because GetHealthCheckStatus
 * does not report calculated health checks.
 */
export async function writerRouteHealthy(
  a: RunbookDeps["adapters"],
  m: DrManifest,
  avoidRegions: Region[] = [],
): Promise<boolean> {
  const sw = m.traffic.switch;
  if (sw.type === "arc-routing-control") {
    return (await a.arc.getRoutingControlState(sw.routingControlArn, { avoidRegions })) === "On";
  }
  return route53GateQuorum(a, sw);
}

export function verifyRun(c: StepCtx, dependsOn: string[]): Step {
  const a = c.aws;
  let route53Noted = false;
  const aurora = c.toCell.stores.aurora;
  return step({
    id: "verify",
    title: `Verify ${c.run.to} is the only writer`,
    region: c.run.to,
    dependsOn,
    budgetSeconds: c.unplanned
      ? 2
      : c.toCell.budget.detectionSeconds + c.toCell.budget.dnsTtlSeconds,
    timeoutSeconds: 900,
    pollSeconds: 10,
    verify: async (ctx) => {
      const problems: string[] = [];
      if (aurora) {
        const g = await a.rds.describeGlobalCluster(c.run.to, aurora.globalClusterIdentifier);
        const w = g.members.find((m) => m.isWriter);
        if (w?.clusterArn !== aurora.clusterArn)
          problems.push(`Aurora writer is ${w?.region ?? "none"}`);
      }
      const regions = c.topology.regions;
      const s = await a.dynamodb.readControl(c.run.to, controlTable(c), regions);
      if (s.writer?.region !== c.run.to)
        problems.push(`writer item says ${s.writer?.region ?? "nothing"}`);
      const fence = (r: Region) => s.fences.find((x) => x.region === r);
      if (fence(c.run.to)?.fenced) problems.push(`${c.run.to} is still fenced`);
      if (c.run.from !== c.run.to && !fence(c.run.from)?.fenced)
        problems.push(`${c.run.from} is not fenced`);
      // The writer switch itself, read where this run may call (never the failed region): a
      // run whose traffic steps did not take must not end as if writers reached the target.
      const notOpen = await writerSwitchProblem(c, c.toCell, "open");
      if (notOpen) problems.push(notOpen);
      if (!c.unplanned && c.run.from !== c.run.to) {
        const notClosed = await writerSwitchProblem(c, c.fromCell, "closed");
        if (notClosed) problems.push(notClosed);
      }
      if (!c.unplanned && c.run.from !== c.run.to) {
        // Route 53 reads are allowed on planned runs only: its API lives in us-east-1. If it
        // does not answer, the gates (verified by the traffic steps) are the evidence.
        try {
          const [toOk, fromOk] = await Promise.all([
            writerRouteHealthy(a, c.toCell),
            writerRouteHealthy(a, c.fromCell),
          ]);
          if (!toOk) problems.push(`Route 53 does not yet see ${c.run.to} as a healthy writer`);
          if (fromOk) problems.push(`Route 53 still sees ${c.run.from} as a healthy writer`);
        } catch (e) {
          if (!isTransient(e)) throw e;
          if (!route53Noted)
            ctx.note(`Route 53 status unreadable (${(e as Error).message}); relying on the gates`);
          route53Noted = true;
        }
      }
      return { ok: problems.length === 0, detail: problems.join("; ") };
    },
    ifFailed: `The switch is done but not yet confirmed; run 'failover status' to see what differs.`,
  });
}

/** Last step: marks the run claim finished, so the next run may take it. */
export function releaseRun(c: StepCtx, dependsOn: string[]): Step {
  const regions = claimRegions(c.run.kind, c.run.from, c.run.to, c.topology.regions);
  return step({
    id: "run.release",
    title: `Release the run claim (control table in ${regions.join(", ")})`,
    region: c.run.to,
    dependsOn,
    mutates: true,
    budgetSeconds: 1,
    run: async (ctx) => {
      const lost = await releaseClaim(
        c.topology,
        c.aws,
        claimFor(c.run, ctx.runId, "finished", isoAt(ctx)),
      );
      if (lost.length > 0) {
        ctx.note(
          `another run has taken the claim in ${lost.join(", ")}; it was not released there`,
        );
      }
      return { lost };
    },
  });
}
