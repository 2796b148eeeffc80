import { strict as assert } from "assert";
import * as net from "net";
import * as path from "path";
import { DrManifest } from "../../manifest";
import { FaultSpec, RequestRecord } from "../emulator";
import { ACCOUNT, testManifests } from "../emulator/testing";
import { converged, EU, US, WireFixture } from "./harness";

/*
 * Cells on ARC routing controls. The failover must turn the old writer's control Off and then
 * the target's On, each through a cluster endpoint that answers, when the endpoint it
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

/**
 * A failover whose ARC endpoints are us-east-1's, then us-west-2 at `first`, then Tokyo's; `check`
 * gets the record of ARC requests. The services' writer lease is 1 s (the emulator's
 * application and `--writer-lease-seconds`), so the run's wait for it is short.
 */
async function failoverWithFirstEndpoint(
  first: (fx: WireFixture) => Promise<string>,
  faults: FaultSpec[],
  check: (arcRecord: RequestRecord[]) => void,
): Promise<void> {
  const fx = await WireFixture.start({
    manifests: arcManifests(),
    params: { app: { leaseSeconds: 1 } },
    faults: [{ type: "black-hole", region: US }, ...faults],
  });
  try {
    const manifests = fx.manifests;
    const [use1, euw1] = [US, EU].map((r) => manifests.find((m) => m.region === r)!.cell);
    assert.deepEqual(fx.emulator.state().routingControls, {
      [control(use1)]: "On",
      [control(euw1)]: "Off",
    });
    // us-east-1's endpoint (the failed region) is listed first and must be skipped.
    const arc = fx.arcEndpoints([US, ["us-west-2", await first(fx)], "ap-northeast-1"]);
    const since = await fx.mark();
    const run = await fx.run(
      [
        "failover",
        ...["--to", EU, "--allow-data-loss", "--yes", "--json", "--writer-lease-seconds", "1"],
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
      ["ap-northeast-1", "ap-northeast-1"],
      "us-east-1 Off, then eu-west-1 On, through the endpoint that answers",
    );
    check(record);
  } finally {
    await fx.close();
  }
}

/** The first endpoint tried resets the connection: the controls flip through the next. */
export function arcFirstEndpointResets(): Promise<void> {
  return failoverWithFirstEndpoint(
    async (fx) => fx.emulator.endpoints()["us-west-2"],
    [{ type: "reset", region: "us-west-2", service: "route53-recovery-cluster" }],
    (record) => {
      // The update went to us-west-2 first (reset; the SDK may retry it there), then to Tokyo.
      const updates = record.filter((r) => r.operation === "UpdateRoutingControlStates");
      const done = updates.findIndex((r) => r.status === 200);
      assert.ok(done > 0, "a failed update came before the one that flipped the controls");
      assert.deepEqual(
        [...new Set(updates.slice(0, done).map((r) => `${r.region} ${r.fault}`))],
        ["us-west-2 reset"],
      );
      assert.ok(record.filter((r) => r.region === "us-west-2").every((r) => r.fault === "reset"));
    },
  );
}

/** The first endpoint tried is a closed port: the controls flip through the next. */
export function arcFirstEndpointClosed(): Promise<void> {
  return failoverWithFirstEndpoint(closedPortUrl, [], (record) => {
    // Nothing listened at us-west-2's URL, so the emulator saw only Tokyo.
    assert.deepEqual([...new Set(record.map((r) => r.region))], ["ap-northeast-1"]);
  });
}
