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

  // PRODUCT DEFECT (failover/runbooks/steps.ts: writer.record and verify do not account for
  // the writer lease): `failover failover --to eu-west-1 --allow-data-loss --yes` started right
  // after us-east-1 went down exits 0 ("verify: eu-west-1 is the only writer"), but its writer
  // item is recorded less than leaseSeconds after eu-west-1 last heard from us-east-1, so once
  // that lease runs out the application in eu-west-1 refuses every write ("writer lease
  // lapsed ... the writer item was written 0.6 s before that loss plus the lease") until
  // us-east-1 returns: no region writes, and the run said it succeeded. Expected: the run
  // records the writer only once the source's lease has lapsed as seen in the target (or
  // re-records it then), or verify fails naming the lease. Enable when it does.
  it.skip("the target accepts writes after the run, once the old writer's lease has run out", async () => {
    const run = await fx.run(
      [
        "failover",
        ...["--to", EU, "--allow-data-loss", "--yes"],
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
