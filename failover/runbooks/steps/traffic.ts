import { SWITCH_PROPAGATION_MARGIN_SECONDS, switchActsSeconds } from "../../../budget/rto";
import { DrManifest, TrafficSwitch } from "../../../manifest";
import { Region } from "../../adapters/types";
import { Step } from "../../engine/graph";
import { isTransient } from "../../engine/retry";
import { RunbookDeps, StepCtx, step } from "../context";

/* Traffic: the writer switch (data plane only). */

type GateSwitch = Extract<TrafficSwitch, { type: "cloudwatch-gate" }>;

/** A cell's gates in the regions this run may call (not the failed region on a failover). */
function callableGates(c: StepCtx, sw: GateSwitch) {
  return sw.gates.filter((g) => !(c.unplanned && g.region === c.run.from));
}

/** Gates that must read closed (at most quorum - 1 may be open anywhere) or open (a quorum). */
function gatesNeeded(sw: GateSwitch, want: "open" | "closed"): number {
  return want === "open" ? sw.quorum : sw.gateRegions.length - sw.quorum + 1;
}

/**
 * Sets a cell's gate metric in every gate region the run can call, at once. A region that does
 * not answer is skipped as long as the others can still make the count; otherwise the first
 * error is thrown (a transient one is retried by the runner).
 */
async function setGate(c: StepCtx, sw: GateSwitch, value: 0 | 1): Promise<void> {
  const results = await Promise.allSettled(
    callableGates(c, sw).map((g) =>
      c.aws.cloudwatch.putMetric(g.region, {
        namespace: sw.namespace,
        metricName: sw.metricName,
        dimensions: sw.dimensions,
        value,
      }),
    ),
  );
  const done = results.filter((r) => r.status === "fulfilled").length;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed && done < gatesNeeded(sw, value === 1 ? "open" : "closed")) throw failed.reason;
}

/**
 * Why a cell's gates are not yet closed (Route 53 cannot see a majority open, whatever it
 * makes of the regions the run cannot read) or open (a majority is open), per their alarms; a
 * region that does not answer counts as neither.
 */
async function gateProblem(
  c: StepCtx,
  region: Region,
  sw: GateSwitch,
  want: "open" | "closed",
): Promise<string | undefined> {
  const gates = callableGates(c, sw);
  const states = await Promise.all(
    gates.map((g) =>
      c.aws.cloudwatch
        .alarmStates(g.region, [g.alarmName])
        .then((s) => s[g.alarmName] as string)
        .catch((e: unknown) => {
          if (!isTransient(e)) throw e;
          return "UNREACHABLE";
        }),
    ),
  );
  const wanted = want === "open" ? "OK" : "ALARM";
  const needed = gatesNeeded(sw, want);
  if (states.filter((s) => s === wanted).length >= needed) return undefined;
  const detail = gates.map((g, i) => `${g.region} ${states[i]}`).join(", ");
  return `${region}'s writer gate is not ${want} in ${needed} of ${sw.gateRegions.length} regions (${detail})`;
}

/**
 * Why a cell's writer switch does not read `want` (gates per their alarms, or the routing
 * control), reading only the regions this run may call; undefined when it does.
 */
export async function writerSwitchProblem(
  c: StepCtx,
  m: DrManifest,
  want: "open" | "closed",
): Promise<string | undefined> {
  const sw = m.traffic.switch;
  if (sw.type === "cloudwatch-gate") return gateProblem(c, m.region, sw, want);
  const avoidRegions = c.unplanned ? [c.run.from] : [];
  const state = await c.aws.arc.getRoutingControlState(sw.routingControlArn, { avoidRegions });
  const wanted = want === "open" ? "On" : "Off";
  return state === wanted ? undefined : `${m.region} routing control is ${state}`;
}

/** Whether Route 53 counts a cell's writer check healthy, from its gate checks. */
export async function route53GateQuorum(
  a: RunbookDeps["adapters"],
  sw: GateSwitch,
): Promise<boolean> {
  const statuses = await Promise.all(
    sw.gates.map((g) => a.route53.healthCheckStatus(g.healthCheckId)),
  );
  return statuses.filter((s) => s.healthy).length >= sw.quorum;
}

/**
 * Moving writer traffic is two steps, so Route 53 never counts two writer records healthy:
 * `traffic.close` closes the old writer (on a restore: every other cell) and waits until its
 * gates read closed and Route 53 has acted on them; only then does `traffic.open` open the
 * target. In between no record is healthy and Route 53 answers any cell, each of which
 * refuses writes (fenced) until the target is unfenced.
 */
export function trafficMove(c: StepCtx, dependsOn: string[]): [Step, Step] {
  const fromSwitch = c.fromCell.traffic.switch;
  const toSwitch = c.toCell.traffic.switch;
  const avoid = c.unplanned ? [c.run.from] : [];
  const a = c.aws;
  const restoring = c.run.from === c.run.to;
  const closing = restoring
    ? [...c.topology.cells.values()].filter((m) => m.region !== c.run.to)
    : [c.fromCell];
  const gateRun = fromSwitch.type === "cloudwatch-gate" || toSwitch.type === "cloudwatch-gate";
  let route53Noted = false;
  const margin = c.run.thresholds.switchMarginSeconds ?? SWITCH_PROPAGATION_MARGIN_SECONDS;
  // When the closed switch was first read (in this process: a resumed run waits again).
  let closedSince: number | undefined;

  /** True/false per Route 53's gate checks; undefined when Route 53 cannot be asked. */
  const route53SeesClosed = async (
    unreadable: (e: unknown) => void,
  ): Promise<boolean | undefined> => {
    if (c.unplanned) return undefined;
    try {
      for (const m of closing) {
        const sw = m.traffic.switch;
        const open =
          sw.type === "cloudwatch-gate"
            ? await route53GateQuorum(a, sw)
            : (await a.route53.healthCheckStatus(sw.healthCheckId)).healthy;
        if (open) return false;
      }
      return true;
    } catch (e) {
      if (!isTransient(e)) throw e;
      unreadable(e);
      return undefined;
    }
  };

  const close = step({
    id: "traffic.close",
    title: `Close writer traffic to ${restoring ? "every other cell" : c.run.from} (${describeSwitch(fromSwitch.type, toSwitch.type)})`,
    region: c.run.to,
    dependsOn,
    mutates: true,
    // Alarm gates: the alarm evaluates one 60 s period before Route 53 sees it; then the
    // margin, when Route 53 cannot be asked.
    budgetSeconds:
      switchActsSeconds(gateRun ? "cloudwatch-gate" : "arc-routing-control") +
      (c.unplanned ? margin : 0),
    timeoutSeconds: 600 + margin,
    pollSeconds: 5,
    run: async () => {
      for (const m of closing) {
        const sw = m.traffic.switch;
        if (sw.type === "arc-routing-control") {
          await a.arc.updateRoutingControlStates(
            [{ routingControlArn: sw.routingControlArn, state: "Off" }],
            { avoidRegions: avoid },
          );
        } else {
          await setGate(c, sw, 0);
        }
      }
    },
    verify: async (ctx) => {
      const problems: string[] = [];
      for (const m of closing) {
        const p = await writerSwitchProblem(c, m, "closed");
        if (p) problems.push(p);
      }
      if (problems.length > 0) return { ok: false, detail: problems.join("; ") };
      // The switch reads closed. Route 53 must act on it before the target opens: a planned
      // run asks Route 53 (its API lives in us-east-1); a failover never calls it, and a run
      // whose Route 53 reads fail waits the margin instead.
      const confirmed = await route53SeesClosed((e) => {
        if (!route53Noted)
          ctx.note(`Route 53 status unreadable (${(e as Error).message}); waiting the margin`);
        route53Noted = true;
      });
      if (confirmed === true) return { ok: true };
      if (confirmed === false) {
        return { ok: false, detail: "Route 53 still counts the old writer's check healthy" };
      }
      closedSince ??= ctx.clock.now();
      const left = closedSince + margin * 1000 - ctx.clock.now();
      return left <= 0
        ? { ok: true }
        : {
            ok: false,
            detail: `closed; waiting ${Math.ceil(left / 1000)} s more for Route 53 to act on it`,
          };
    },
    ifFailed: `${c.run.from} is fenced and refuses writes; writer traffic may still go to it. Resume now.`,
  });

  const open = step({
    id: "traffic.open",
    title: `Open writer traffic to ${c.run.to}`,
    region: c.run.to,
    dependsOn: [close.id],
    mutates: true,
    budgetSeconds: switchActsSeconds(toSwitch.type),
    timeoutSeconds: 600,
    pollSeconds: 5,
    run: async () => {
      if (toSwitch.type === "arc-routing-control") {
        await a.arc.updateRoutingControlStates(
          [{ routingControlArn: toSwitch.routingControlArn, state: "On" }],
          { avoidRegions: avoid },
        );
      } else {
        await setGate(c, toSwitch, 1);
      }
    },
    verify: async () => {
      const p = await writerSwitchProblem(c, c.toCell, "open");
      return { ok: !p, detail: p };
    },
    ifFailed: c.unplanned
      ? `${c.run.from} is fenced; no cell takes writer traffic until ${c.run.to} is open (each refuses writes meanwhile). Resume now.`
      : `${c.run.from} is fenced and closed; no cell takes writer traffic until ${c.run.to} is open. The Aurora switchover may or may not have run yet ('failover status' shows the writer). Resume now.`,
  });
  return [close, open];
}

function describeSwitch(from: string, to: string): string {
  const name = (t: string) =>
    t === "cloudwatch-gate" ? "CloudWatch writer gates" : "ARC routing controls";
  return from === to ? name(from) : `${name(from)} / ${name(to)}`;
}
