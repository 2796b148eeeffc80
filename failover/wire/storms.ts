import { strict as assert } from "assert";
import { FaultSpec } from "../emulator";
import { converged, EU, Exit, US, WireFixture } from "./harness";

/*
 * Error replies the target region sends back: storms of throttling and 5xx the run must retry
 * through within its budgets, and a cache the failover cannot promote, which must not cost the
 * service its writer.
 */

interface ReportStep {
  id: string;
  result: string;
  attempts: number;
  elapsedSeconds?: number;
}

interface PlanStep {
  id: string;
  budgetSeconds: number;
  timeoutSeconds: number;
}

function storm(throttling: number, internal: number): FaultSpec[] {
  return [
    { type: "error", region: EU, code: "ThrottlingException", rate: throttling },
    { type: "error", region: EU, code: "InternalFailure", rate: internal },
  ];
}

/** A switchover to eu-west-1 through `faults`, next to the plan's budgets (no AWS call). */
async function switchoverThrough(faults: FaultSpec[]) {
  const fx = await WireFixture.start({ faults });
  try {
    const common = ["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])];
    const cwd = fx.workdir();
    const [run, plan] = await Promise.all([
      fx.run(["switchover", "--to", EU, "--yes", "--json", ...common], { cwd, timeoutMs: 90_000 }),
      fx.run(["plan", "switchover", "--to", EU, "--from", US, "--json", ...common], {
        cwd,
        timeoutMs: 30_000,
      }),
    ]);
    const state = await converged(fx, { from: US, to: EU, replicas: [US, EU] });
    const log = fx.emulator.log.list();
    const same = (a: (typeof log)[number], b: (typeof log)[number]) =>
      a.region === b.region && a.service === b.service && a.operation === b.operation;
    // Error replies followed by an answered request of the same call: the call was retried.
    const retried = log.filter(
      (r, i) => r.fault && log.slice(i + 1).some((later) => !later.fault && same(r, later)),
    ).length;
    return { run, plan, state, faulted: log.filter((r) => r.fault).length, retried };
  } finally {
    await fx.close();
  }
}

function checkSucceededWithin(run: Exit, plan: Exit): ReportStep[] {
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { status: string; steps: ReportStep[] };
  assert.equal(report.status, "succeeded");
  const budgets = new Map(
    (JSON.parse(plan.stdout) as { steps: PlanStep[] }).steps.map((s) => [s.id, s]),
  );
  for (const s of report.steps) {
    const b = budgets.get(s.id);
    if (!b || s.elapsedSeconds === undefined) continue;
    // Retries back off 0.5, 1, 2 s...; a check that failed transiently waits one poll (<= 15 s).
    const allowed = Math.min(b.timeoutSeconds, 3 * b.budgetSeconds + 20);
    assert.ok(
      s.elapsedSeconds <= allowed,
      `${s.id} took ${s.elapsedSeconds} s (budget ${b.budgetSeconds} s, allowed ${allowed} s)`,
    );
  }
  return report.steps;
}

/**
 * A switchover succeeds through throttling (30%) and InternalFailure (20%) in eu-west-1, each
 * step within its budget (a factor) and its timeout. Each AWS call retries its own throttles
 * and 5xx replies (within its deadline), so a step that reads five items does not fail because
 * one of them was throttled; the steps' own retries come on top. Before, only whole steps were
 * retried and this run failed at once.
 */
export async function switchoverThroughStorm(): Promise<void> {
  const { run, plan, state, faulted, retried } = await switchoverThrough(storm(0.3, 0.2));
  checkSucceededWithin(run, plan);
  assert.ok(faulted > 10, `the emulator sent error replies (${faulted})`);
  assert.ok(retried > 0, "failed calls were retried");
  assert.deepEqual(state, []);
}

/**
 * Failover: the cache refuses promotion (InvalidGlobalReplicationGroupState, 400). The run
 * succeeds degraded, and the service has its writer: Aurora and the control table in eu-west-1,
 * which is unfenced and accepts writes.
 */
export async function cacheRefusesPromotion(): Promise<void> {
  const fx = await WireFixture.start({
    faults: [
      { type: "black-hole", region: US },
      {
        type: "error",
        region: EU,
        service: "elasticache",
        operation: "FailoverGlobalReplicationGroup",
        code: "InvalidGlobalReplicationGroupState",
        status: 400,
        message: "Global replication group ldgnf-shop-global is not in a valid state",
      },
    ],
  });
  try {
    const run = await fx.run(
      [
        "failover",
        ...["--to", EU, "--allow-data-loss", "--yes", "--json"],
        ...["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])],
      ],
      { cwd: fx.workdir(), timeoutMs: 60_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as {
      status: string;
      degraded: { stepId: string; message: string }[];
    };
    assert.equal(report.status, "succeeded");
    assert.deepEqual(
      report.degraded.map((d) => d.stepId),
      ["cache.failover"],
    );
    assert.match(report.degraded[0].message, /InvalidGlobalReplicationGroupState/);
    const record = fx.emulator.log.list();
    assert.ok(
      record.some((r) => r.operation === "FailoverGlobalReplicationGroup" && r.status === 400),
      "the cache promotion was refused",
    );
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [EU] }), []);
    const state = await fx.state();
    assert.equal(state.aurora.writer, EU);
    assert.equal(state.cache.primary, US, "the cache was not promoted");
    assert.equal(state.regions[EU].acceptsWrites, true);
  } finally {
    await fx.close();
  }
}
