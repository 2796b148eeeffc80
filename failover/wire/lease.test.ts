import { strict as assert } from "assert";
import { BUSY_WORKLOAD, converged, EU, sleep, US, WireFixture } from "./harness";

/*
 * A failover that finishes within the application's writer lease of losing the source region.
 * The emulator's Aurora fails over in tens of milliseconds, so the whole run takes about a
 * second: faster than docs/admission.md assumes ("the promotion outlasts the lease"). The
 * lease is 6 s here so that the run surely ends inside it, however loaded the machine.
 */

describe("wire: a failover faster than the writer lease", function () {
  this.timeout(60_000);
  let fx: WireFixture;
  beforeEach(
    async () =>
      (fx = await WireFixture.start({
        params: { ...BUSY_WORKLOAD, app: { leaseSeconds: 6 } },
        faults: [{ type: "outage", region: US }],
      })),
  );
  afterEach(async () => fx.close());

  // The run records the target as writer only once us-east-1's writer lease has run out as
  // seen in eu-west-1 (here: the run's start, the emulator's services keep no heartbeat items,
  // plus the 6 s lease), so the target's services admit writes when the run ends. Before, the
  // writer item was recorded inside the lease and eu-west-1 refused every write until
  // us-east-1 returned, although the run had said it succeeded.
  it("the target accepts writes after the run, once the old writer's lease has run out", async () => {
    const run = await fx.run(
      [
        "failover",
        ...["--to", EU, "--allow-data-loss", "--yes", "--writer-lease-seconds", "6"],
        ...["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])],
      ],
      { cwd: fx.workdir(), timeoutMs: 45_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    await fx.untilLeaseLapsed();
    await sleep(500);
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [EU] }, 2000), []);
  });
});
