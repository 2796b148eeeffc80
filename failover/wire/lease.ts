import { strict as assert } from "assert";
import { BUSY_WORKLOAD, converged, EU, US, WireFixture } from "./harness";

/*
 * A failover started right after the source region was lost. The emulator's Aurora fails over
 * in tens of milliseconds, so without waiting the whole run would take about a second: faster
 * than the services' writer lease (6 s here, so that an unwaited run surely ends inside it,
 * however loaded the machine).
 */

/**
 * The run records the target as writer only once us-east-1's writer lease has run out as seen
 * in eu-west-1 (here: the run's start, the emulator's services keep no heartbeat items, plus
 * the 6 s lease), so the target's services admit writes when the run ends. Before, the writer
 * item was recorded inside the lease and eu-west-1 refused every write until us-east-1
 * returned, although the run had said it succeeded.
 */
export async function failoverFasterThanLease(): Promise<void> {
  const fx = await WireFixture.start({
    params: { ...BUSY_WORKLOAD, app: { leaseSeconds: 6 } },
    faults: [{ type: "outage", region: US }],
  });
  try {
    const run = await fx.run(
      [
        "failover",
        ...["--to", EU, "--allow-data-loss", "--yes", "--writer-lease-seconds", "6"],
        ...["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])],
      ],
      { cwd: fx.workdir(), timeoutMs: 60_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    // Whatever the run waited, the lease has run out by now: the target must admit writes.
    await fx.untilLeaseLapsed();
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [EU] }, 2000), []);
  } finally {
    await fx.close();
  }
}
