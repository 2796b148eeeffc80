import { strict as assert } from "assert";
import { converged, EU, US, WireFixture } from "./harness";

/*
 * The writer-only consumers on the wire: a real `failover switchover` switches the Lambda event
 * source mappings through the SDK against the emulator, in the order the runbook promises.
 */

interface ReportStep {
  id: string;
  result: string;
}

/** Switchover: queue read before the fence, source disabled, then target enabled, then unfence. */
export async function switchoverSwitchesConsumers(): Promise<void> {
  const fx = await WireFixture.start({});
  try {
    const common = ["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])];
    const since = await fx.mark();
    const run = await fx.run(["switchover", "--to", EU, "--yes", "--json", ...common], {
      cwd: fx.workdir(),
      timeoutMs: 90_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { status: string; steps: ReportStep[] };
    assert.equal(report.status, "succeeded");
    for (const id of ["consumers.drain", "consumers.disable.source", "consumers.enable.target"]) {
      assert.equal(report.steps.find((s) => s.id === id)?.result, "done", id);
    }
    const log = (await fx.requests(since)).filter((r) => r.status === 200);
    const first = (op: string, region: string) =>
      log.findIndex((r) => r.operation === op && r.region === region);
    const drain = first("GetQueueAttributes", US);
    const disable = first("UpdateEventSourceMapping", US);
    const enable = first("UpdateEventSourceMapping", EU);
    const puts = log.filter((r) => r.operation === "PutItem");
    assert.ok(
      drain >= 0 && disable > drain && enable > disable,
      JSON.stringify({ drain, disable, enable }),
    );
    assert.ok(puts.length > 0);
    const states = fx.emulator.sim.consumers.states();
    for (const [key, state] of Object.entries(states)) {
      assert.equal(state, key.startsWith(`${EU}/`) ? "Enabled" : "Disabled", key);
    }
    assert.deepEqual(fx.emulator.sim.consumers.overlaps, []);
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [US, EU] }), []);
    assert.deepEqual(fx.writerViolations(), []);
  } finally {
    await fx.close();
  }
}
