import { strict as assert } from "assert";
import * as net from "net";
import * as path from "path";
import { DrManifest } from "../../manifest";
import { FaultSpec } from "../emulator";
import { ACCOUNT, testManifests } from "../emulator/testing";
import { converged, EU, US, WireFixture } from "./harness";

/*
 * Cells on ARC routing controls. The failover must flip both controls in one
 * UpdateRoutingControlStates through a cluster endpoint that answers, when the endpoint it
 * tries first resets the connection or has nothing listening, and never through the failed
 * region's endpoint. The child's Math.random is pinned (pinRandom.ts) so that the first
 * endpoint listed outside the failed region is the first one tried.
 */

const control = (cell: string) =>
  `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/p/routingcontrol/${cell}`;

/** Both cells switched by ARC routing controls (the sample pair has one gate cell). */
function arcManifests(): DrManifest[] {
  return testManifests().map((m) => ({
    ...m,
    traffic: {
      ...m.traffic,
      switch: {
        type: "arc-routing-control",
        clusterArn: `arn:aws:route53-recovery-control::${ACCOUNT}:cluster/emulator`,
        routingControlArn: control(m.cell),
        healthCheckId: `hc-arc-${m.cell}`,
      },
    },
  }));
}

/** A loopback port with nothing listening on it. */
async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

const PIN = [
  "--require",
  require.resolve("tsx/cjs"),
  "--require",
  path.join(__dirname, "pinRandom.ts"),
];

describe("wire: ARC endpoints that fail", function () {
  this.timeout(60_000);
  let fx: WireFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  /** A failover whose ARC endpoints are us-east-1's, then us-west-2 at `first`, then Tokyo's. */
  async function failoverWithFirstEndpoint(
    first: (started: WireFixture) => Promise<string>,
    faults: FaultSpec[],
  ) {
    fx = await WireFixture.start({
      manifests: arcManifests(),
      faults: [{ type: "black-hole", region: US }, ...faults],
    });
    const manifests = fx.manifests;
    const [use1, euw1] = [US, EU].map((r) => manifests.find((m) => m.region === r)!.cell);
    assert.deepEqual(fx.emulator.state().routingControls, {
      [control(use1)]: "On",
      [control(euw1)]: "On",
    });
    // us-east-1's endpoint (the failed region) is listed first and must be skipped.
    const arc = fx.arcEndpoints([US, ["us-west-2", await first(fx)], "ap-northeast-1"]);
    const since = await fx.mark();
    const run = await fx.run(
      [
        "failover",
        ...["--to", EU, "--allow-data-loss", "--yes", "--json"],
        ...["--manifest", fx.manifestDir, ...arc],
      ],
      { cwd: fx.workdir(), nodeArgs: PIN, timeoutMs: 45_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    const state = await fx.state();
    assert.deepEqual(state.routingControls, { [control(use1)]: "Off", [control(euw1)]: "On" });
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [EU] }), []);
    const record = (await fx.requests(since)).filter(
      (r) => r.service === "route53-recovery-cluster",
    );
    assert.deepEqual(
      record.filter((r) => r.region === US),
      [],
      "nothing to the failed region's endpoint",
    );
    const updates = record.filter((r) => r.operation === "UpdateRoutingControlStates");
    assert.deepEqual(
      updates.filter((r) => r.status === 200).map((r) => r.region),
      ["ap-northeast-1"],
      "one update, through the endpoint that answers",
    );
    return record;
  }

  it("the first endpoint tried resets the connection: the controls flip through the next", async () => {
    const record = await failoverWithFirstEndpoint(
      async (started) => started.emulator.endpoints()["us-west-2"],
      [{ type: "reset", region: "us-west-2", service: "route53-recovery-cluster" }],
    );
    // Every ARC call tried us-west-2 first (reset), then Tokyo.
    const update = record.findIndex((r) => r.operation === "UpdateRoutingControlStates");
    assert.deepEqual(
      record.slice(update, update + 2).map((r) => [r.region, r.operation, r.fault ?? r.status]),
      [
        ["us-west-2", "UpdateRoutingControlStates", "reset"],
        ["ap-northeast-1", "UpdateRoutingControlStates", 200],
      ],
    );
    assert.ok(record.filter((r) => r.region === "us-west-2").every((r) => r.fault === "reset"));
  });

  it("the first endpoint tried is a closed port: the controls flip through the next", async () => {
    const record = await failoverWithFirstEndpoint(closedPortUrl, []);
    // Nothing listened at us-west-2's URL, so the emulator saw only Tokyo.
    assert.deepEqual([...new Set(record.map((r) => r.region))], ["ap-northeast-1"]);
  });
});
