import { strict as assert } from "assert";
import type { DrManifest } from "../../manifest";
import { STACK_TYPE } from "../lib/policy";
import { T } from "../lib/types";
import type { PolicyInput } from "../run";
import { cellManifest, CellRegion, THREE_CELLS, TWO_CELLS } from "../testing/cells";
import { find, runStack, stackInputs } from "../testing/expect";
import { drDeploymentWriterRouting } from "./deploymentWriterRouting";
import { drWriterGatesHosted } from "./writerGatesHosted";
import { drWriterQuorum } from "./writerQuorum";
import { drWriterRecord } from "./writerRecord";

const manifestOf = (inputs: PolicyInput[]) =>
  (find(inputs, STACK_TYPE).props as { drManifest: DrManifest }).drManifest;
const messages = (found: { message: string }[]) => found.map((f) => f.message);
const hc = (i: PolicyInput[], name: string) => find(i, T.healthCheck, name);
const idOf = (i: PolicyInput[], name: string) => hc(i, name).props.id as string;

describe("policies/stack: writer routing", () => {
  const regionsOf = { two: TWO_CELLS, three: THREE_CELLS };
  const everyCell = Object.entries(regionsOf).flatMap(([key, regions]) =>
    regions.map((region) => ({ key, regions, region })),
  );

  it("every compliant cell of 2 and 3 cells passes all four policies", () => {
    for (const { regions, region } of everyCell) {
      const inputs = stackInputs(region, undefined, { regions });
      const peers = regions.filter((r) => r !== region).map((r) => cellManifest(r, { regions }));
      for (const policy of [drWriterRecord, drWriterQuorum, drWriterGatesHosted]) {
        assert.deepEqual(runStack(policy, inputs), [], `${policy.name} ${region}`);
      }
      assert.deepEqual(
        runStack(drDeploymentWriterRouting, inputs, { peerManifests: peers }),
        [],
        `${region} of ${regions.length}`,
      );
    }
  });

  describe("dr-writer-record", () => {
    const writer = (i: PolicyInput[]) => find(i, T.record, "shop-use1-traffic-writerRecord");

    it("fails a failover, latency or simple writer record, or a wrong weight", () => {
      const cases: [(p: Record<string, unknown>) => void, RegExp][] = [
        [
          (p) => {
            delete p.weightedRoutingPolicies;
            p.failoverRoutingPolicies = [{ type: "PRIMARY" }];
          },
          /routes by failover routing; it must be weighted/,
        ],
        [
          (p) => {
            delete p.weightedRoutingPolicies;
            p.latencyRoutingPolicies = [{ region: "us-east-1" }];
          },
          /routes by latency routing/,
        ],
        [(p) => delete p.weightedRoutingPolicies, /routes by simple routing/],
        [(p) => (p.weightedRoutingPolicies = [{ weight: 0 }]), /weight is 0; every cell's is 100/],
        [(p) => (p.setIdentifier = "primary"), /setIdentifier is "primary" .*use the cell, use1/],
      ];
      for (const [mutate, pattern] of cases) {
        const found = runStack(
          drWriterRecord,
          stackInputs("us-east-1", (i) => mutate(writer(i).props)),
        );
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.match(found[0].message, pattern);
        assert.equal(found[0].resource, `${T.record}::shop-use1-traffic-writerRecord`);
      }
    });

    it("fails a writer record behind no check, the HTTPS check or another check", () => {
      const behind = (id: ((i: PolicyInput[]) => string) | undefined) =>
        messages(
          runStack(
            drWriterRecord,
            stackInputs("us-east-1", (i) => {
              writer(i).props.healthCheckId = id?.(i);
            }),
          ),
        );
      assert.match(
        behind(undefined)[0],
        /has no healthCheckId; Route 53 would treat it as always healthy/,
      );
      assert.match(
        behind((i) => idOf(i, "shop-use1-traffic-httpsHealthCheck"))[0],
        /behind the cell's HTTPS check/,
      );
      assert.match(
        behind((i) => idOf(i, "shop-use1-traffic-writerGateHealthCheck-use1"))[0],
        /healthCheckId .* is not the cell's writer check \(drManifest\.traffic\.healthCheck\.writerHealthCheckId/,
      );
    });

    it("fails a missing or duplicate record, and a null writerRecord nothing defers", () => {
      const gone = stackInputs("us-east-1", (i) => i.splice(i.indexOf(writer(i)), 1));
      assert.match(
        messages(runStack(drWriterRecord, gone))[0],
        /has no record on writer\.shop\.example\.com/,
      );
      const twice = stackInputs("us-east-1", (i) => i.push({ ...writer(i), name: "extra" }));
      assert.match(messages(runStack(drWriterRecord, twice))[0], /has 2 records on writer/);
      const nulled = stackInputs("us-east-1", (i) => {
        i.splice(i.indexOf(writer(i)), 1);
        manifestOf(i).traffic.writerRecord = null;
      });
      assert.deepEqual(messages(runStack(drWriterRecord, nulled)), [
        "drManifest.traffic.writerRecord is null though no gate is missing, so this cell can never take writes; the writer record is deferred only while a peer has not published the gate it hosts for this cell.",
      ]);
    });

    it("passes the home cell's first deploy (deferred), but not with deferred empty", () => {
      const first = stackInputs("us-east-1", undefined, { firstDeploy: true });
      assert.equal(manifestOf(first).traffic.writerRecord, null);
      assert.deepEqual(runStack(drWriterRecord, first), []);
      assert.deepEqual(runStack(drWriterQuorum, first), []);
      assert.deepEqual(runStack(drWriterGatesHosted, first), []);
      manifestOf(first).deferred = [];
      assert.match(
        messages(runStack(drWriterRecord, first))[0],
        /waits for the gates in eu-west-1 but drManifest\.deferred is empty/,
      );
    });
  });

  describe("dr-writer-quorum", () => {
    const writerCheck = (i: PolicyInput[]) => hc(i, "shop-use1-traffic-writerHealthCheck");
    const children = (i: PolicyInput[]) => writerCheck(i).props.childHealthchecks as string[];

    it("fails the old design: the HTTPS check as a child of the writer check", () => {
      const old = stackInputs("us-east-1", (i) => {
        children(i).push(idOf(i, "shop-use1-traffic-httpsHealthCheck"));
      });
      assert.deepEqual(messages(runStack(drWriterQuorum, old)), [
        "The writer check counts the HTTPS check as a child; only the failover commands may move the writer (through the gates), so remove it.",
      ]);
    });

    it("fails a missing gate child, a foreign child, and a threshold that is not the quorum", () => {
      const dropped = stackInputs("us-east-1", (i) => children(i).pop());
      assert.match(
        messages(runStack(drWriterQuorum, dropped))[0],
        /does not count the gate in us-west-2 .*add it to childHealthchecks/,
      );
      const foreign = stackInputs("us-east-1", (i) => {
        children(i)[1] = idOf(i, "shop-use1-traffic-writerGateHealthCheck-euw1");
      });
      const found = messages(runStack(drWriterQuorum, foreign));
      assert.match(
        found[0],
        /counts shop-use1-traffic-writerGateHealthCheck-euw1 \("CLOUDWATCH_METRIC"\) as a child/,
      );
      assert.match(found[1], /does not count the gate in eu-west-1/);
      for (const t of [1, 3]) {
        const bad = stackInputs(
          "us-east-1",
          (i) => (writerCheck(i).props.childHealthThreshold = t),
        );
        assert.deepEqual(messages(runStack(drWriterQuorum, bad)), [
          `The writer check's childHealthThreshold is ${t}; it is the quorum, 2 of 3 gate regions.`,
        ]);
      }
    });

    it("fails fewer than 3 gate regions, a quorum that is not a majority, and a wrong gate", () => {
      const two = stackInputs("us-east-1", (i) => {
        const sw = manifestOf(i).traffic.switch;
        if (sw.type !== "cloudwatch-gate") throw new Error("fixture");
        sw.witnessRegions = [];
        sw.gateRegions = ["us-east-1", "eu-west-1"];
        sw.gates = sw.gates.filter((g) => g.region !== "us-west-2");
        children(i).pop();
      });
      assert.deepEqual(messages(runStack(drWriterQuorum, two)), [
        "The writer has 2 gate regions (us-east-1, eu-west-1); a majority no single region decides needs at least 3: add a witness region (dr:trafficSwitch.witnessRegions).",
      ]);
      const quorum = stackInputs("us-east-1", (i) => {
        const sw = manifestOf(i).traffic.switch;
        if (sw.type === "cloudwatch-gate") sw.quorum = 1;
      });
      assert.match(
        messages(runStack(drWriterQuorum, quorum))[0],
        /quorum is 1 of 3 gate regions; a strict majority is 2/,
      );
      const host = stackInputs("us-east-1", (i) => {
        const sw = manifestOf(i).traffic.switch;
        if (sw.type === "cloudwatch-gate") sw.gates[1].hostedBy = "prod-use1";
      });
      assert.match(
        messages(runStack(drWriterQuorum, host))[0],
        /The gate in eu-west-1 is hosted by prod-use1; it belongs to prod-euw1/,
      );
      const lastKnown = stackInputs("us-east-1", (i) => {
        hc(i, "shop-use1-traffic-witnessGateHealthCheck-usw2").props.cloudwatchAlarmRegion =
          "us-east-1";
      });
      assert.match(
        messages(runStack(drWriterQuorum, lastKnown))[0],
        /the gate in us-west-2 is a CLOUDWATCH_METRIC check on shop-writer-gate-us-east-1 there/,
      );
    });
  });

  describe("dr-writer-gates-hosted", () => {
    it("fails a cell region without a gate, a gate without a check, an alarm in a peer's region", () => {
      const alarm = (i: PolicyInput[], n: string) =>
        find(i, T.metricAlarm, `shop-use1-traffic-${n}`);
      const noGate = stackInputs("us-east-1", (i) =>
        i.splice(i.indexOf(alarm(i, "writerGateAlarm-euw1")), 1),
      );
      assert.deepEqual(messages(runStack(drWriterGatesHosted, noGate)), [
        "The stack hosts no gate alarm for eu-west-1 in us-east-1; add shop-writer-gate-eu-west-1 (dimensions { App: shop, Region: eu-west-1 }) there.",
      ]);
      const noCheck = stackInputs("us-east-1", (i) =>
        i.splice(i.indexOf(hc(i, "shop-use1-traffic-witnessGateHealthCheck-usw2")), 1),
      );
      assert.match(
        messages(runStack(drWriterGatesHosted, noCheck))[0],
        /No CLOUDWATCH_METRIC health check follows the gate for us-east-1 in us-west-2/,
      );
      const away = stackInputs(
        "us-east-1",
        (i) => (alarm(i, "writerGateAlarm-euw1").props.region = "eu-west-1"),
      );
      const found = messages(runStack(drWriterGatesHosted, away));
      assert.match(found[0], /hosts no gate alarm for eu-west-1 in us-east-1/);
      assert.match(
        found[1],
        /shop-writer-gate-eu-west-1 for eu-west-1 lives in eu-west-1; a stack hosts gates in its own region/,
      );
      const unpublished = stackInputs("us-east-1", (i) => (manifestOf(i).traffic.hostedGates = []));
      assert.match(
        messages(runStack(drWriterGatesHosted, unpublished))[0],
        /hostedGates does not publish the gate for eu-west-1 in us-east-1/,
      );
    });

    it("a stack that does not know the third cell hosts no gate for it (3 cells)", () => {
      const inputs = stackInputs("eu-west-1", undefined, { regions: THREE_CELLS });
      assert.deepEqual(runStack(drWriterGatesHosted, inputs), []);
      const gone = stackInputs(
        "eu-west-1",
        (i) => {
          i.splice(i.indexOf(find(i, T.metricAlarm, "shop-euw1-traffic-writerGateAlarm-apse1")), 1);
        },
        { regions: THREE_CELLS },
      );
      assert.match(
        messages(runStack(drWriterGatesHosted, gone))[0],
        /no gate alarm for ap-southeast-1 in eu-west-1/,
      );
    });
  });

  describe("dr-deployment-writer-routing (N manifests)", () => {
    const peersOf = (region: CellRegion, regions = THREE_CELLS) =>
      regions.filter((r) => r !== region).map((r) => cellManifest(r, { regions }));
    const run = (inputs: PolicyInput[], peerManifests: unknown[]) =>
      messages(runStack(drDeploymentWriterRouting, inputs, { peerManifests }));
    const three = (mutate?: (i: PolicyInput[]) => void) =>
      stackInputs("us-east-1", mutate, { regions: THREE_CELLS });

    it("does not apply without peer manifests", () => {
      assert.deepEqual(runStack(drDeploymentWriterRouting, three()), []);
    });

    it("the issue: 3 cells on failover routing share the SECONDARY role", () => {
      // This cell still renders PRIMARY; two v1 peers are both SECONDARY.
      const legacy = (region: CellRegion) => {
        const m = cellManifest(region, { regions: THREE_CELLS }) as unknown as Record<
          string,
          unknown
        >;
        const traffic = m.traffic as Record<string, unknown>;
        traffic.failoverRecord = {
          name: "writer.shop.example.com",
          setIdentifier: "x",
          role: "SECONDARY",
        };
        return { ...m, schemaVersion: 1 };
      };
      const found = run(
        three((i) => {
          const p = find(i, T.record, "shop-use1-traffic-writerRecord").props;
          delete p.weightedRoutingPolicies;
          p.failoverRoutingPolicies = [{ type: "PRIMARY" }];
        }),
        [legacy("eu-west-1"), legacy("ap-southeast-1")],
      );
      assert.deepEqual(found, [
        "prod-euw1 and prod-apse1 would both be the SECONDARY failover record on writer.shop.example.com; failover routing holds one PRIMARY and one SECONDARY, so with 3 cells the writer cannot reach them all. Upgrade every cell to the weighted writer record (manifest schema v2).",
      ]);
      // One v1 peer beside v2 cells: the routing policies would mix on one name.
      assert.match(
        run(three(), [
          legacy("eu-west-1"),
          cellManifest("ap-southeast-1", { regions: THREE_CELLS }),
        ])[0],
        /prod-euw1 route writer\.shop\.example\.com by failover while the other cells use weighted records/,
      );
    });

    it("fails a cell without a writer record that nothing defers, and says when a deferred one can be added", () => {
      const peers = peersOf("us-east-1");
      peers[1].traffic.writerRecord = null;
      assert.deepEqual(run(three(), peers), [
        "Cell prod-apse1 has no writer record and nothing deferred explains it; it can never take writes. Run `pulumi up -s prod-apse1`.",
      ]);
      // The home cell's first deploy, once the peer has deployed: it can add the record now.
      const first = stackInputs("us-east-1", undefined, { firstDeploy: true });
      assert.match(
        run(first, [cellManifest("eu-west-1")])[0],
        /Cell prod-use1 has no writer record yet, but its peers now host its gates in eu-west-1; run `pulumi up -s prod-use1` again/,
      );
      // Seen from the joiner, the home cell's pending record is the home stack's next
      // `pulumi up`, not the joiner's violation (the offline plan renders peers that way).
      assert.deepEqual(
        run(stackInputs("eu-west-1"), [cellManifest("us-east-1", { firstDeploy: true })]),
        [],
      );
    });

    it("fails disagreeing witness regions, a cell that does not count the third, a wrong quorum", () => {
      const peers = peersOf("us-east-1");
      const sw = peers[0].traffic.switch;
      if (sw.type !== "cloudwatch-gate") throw new Error("fixture");
      // The fixture's cells share the witness us-west-2; euw1 drops it and counts 1 of 3.
      sw.witnessRegions = [];
      sw.gateRegions = sw.gateRegions.filter((r) => r !== "us-west-2");
      sw.gates = sw.gates.filter((g) => g.region !== "us-west-2");
      sw.quorum = 1; // of 3: not a majority
      const found = run(three(), peers);
      assert.match(
        found[0],
        /The cells list different witness regions \(prod-use1: \[us-west-2\]; prod-euw1: \[\]; prod-apse1: \[us-west-2\]\)/,
      );
      // euw1 counts its gates consistently; the disagreement is reported once, above.
      assert.match(found[1], /Cell prod-euw1's quorum is 1 of 3 gate regions; a majority is 2/);
      assert.equal(found.length, 2, found.join("\n"));

      // A cell deployed before the third cell: it neither counts nor hosts a gate for it.
      const old = peersOf("us-east-1");
      const euw1 = old[0];
      euw1.peers = euw1.peers.filter((p) => p.region !== "ap-southeast-1");
      euw1.traffic.hostedGates = euw1.traffic.hostedGates.filter(
        (g) => g.forRegion !== "ap-southeast-1",
      );
      const stale = run(three(), old);
      assert.ok(
        stale.some((m) => /Cell prod-euw1 hosts no gate for the cell in ap-southeast-1/.test(m)),
        stale.join("\n"),
      );
      assert.ok(
        stale.some((m) =>
          /Cell prod-apse1's writer check counts the gate in eu-west-1 as .*, but prod-euw1 publishes no such gate/.test(
            m,
          ),
        ),
        stale.join("\n"),
      );
    });

    it("fails a cell whose writer check counts a gate its peer no longer publishes, and shared setIdentifiers", () => {
      const peers = peersOf("us-east-1");
      peers[0].traffic.hostedGates[0].healthCheckId = "replaced-0000";
      assert.match(
        run(three(), peers)[0],
        /Cell prod-use1's writer check counts the gate in eu-west-1 as .*, but prod-euw1 publishes replaced-0000; run `pulumi up -s prod-use1`/,
      );
      const same = peersOf("us-east-1");
      same[0].traffic.writerRecord!.setIdentifier = "use1";
      assert.match(run(three(), same)[0], /Several cells' writer records have setIdentifier use1/);
    });
  });
});
