import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { DrManifest } from "../../manifest";
import { cellManifest } from "../testing/cells";
import { find, runStack, stackInputs } from "../testing/expect";
import { STACK_TYPE } from "../lib/policy";
import { T } from "../lib/types";
import type { PolicyInput } from "../run";
import { drReplicationCoverage } from "./replicationCoverage";
import { drDeferredReplication } from "./deferredReplication";
import { rtoBudgetWithinTarget } from "./rtoBudgetWithinTarget";
import { drManifestComplete } from "./manifestComplete";
import { peerCellParity } from "./peerCellParity";

/** The manifest inside a stack's outputs, to change one field of it. */
function manifestOf(inputs: PolicyInput[]) {
  return (find(inputs, STACK_TYPE).props as { drManifest: DrManifest }).drManifest;
}

describe("policies/stack", () => {
  describe("dr-replication-coverage", () => {
    it("passes both compliant cells", () => {
      assert.deepEqual(runStack(drReplicationCoverage, stackInputs("us-east-1")), []);
      assert.deepEqual(runStack(drReplicationCoverage, stackInputs("eu-west-1")), []);
    });

    it("names each store without a replication path", () => {
      const inputs = stackInputs("us-east-1", (i) => {
        i.splice(i.indexOf(find(i, T.mskReplicator)), 1);
        i.splice(i.indexOf(find(i, T.bucketReplication)), 1);
        find(i, T.secret).props.replicas = [];
        i.push({
          type: "aws:rds/instance:Instance",
          name: "legacy-db",
          props: { identifier: "legacy" },
        });
      });
      const found = runStack(drReplicationCoverage, inputs);
      assert.deepEqual(
        found.map((f) => f.resource),
        [
          `${T.mskCluster}::shop-use1-msk-cluster`,
          `${T.bucket}::shop-use1-bucket-bucket`,
          `${T.secret}::shop-use1-aurora-masterSecret-secret`,
          "aws:rds/instance:Instance::legacy-db",
        ],
      );
      assert.match(
        found[0].message,
        /MSK cluster shop-use1-msk has no replication path; add an aws\.msk\.Replicator that targets it/,
      );
      assert.match(found[3].message, /legacy has no replication path; use Aurora/);
    });

    it("waits for the peer while the manifest lists deferred work, but not for Aurora or tables", () => {
      const firstDeploy = stackInputs("us-east-1", (i) => {
        manifestOf(i).deferred = ["MSK replicator from prod-euw1", "S3 replication to prod-euw1"];
        i.splice(i.indexOf(find(i, T.mskReplicator)), 1);
        i.splice(i.indexOf(find(i, T.bucketReplication)), 1);
        delete find(i, T.auroraCluster).props.globalClusterIdentifier;
      });
      const found = runStack(drReplicationCoverage, firstDeploy);
      assert.deepEqual(
        found.map((f) => f.resource),
        [`${T.auroraCluster}::shop-use1-aurora-cluster`],
      );
    });

    it("requires home tables to be published for the peers", () => {
      const inputs = stackInputs("us-east-1", (i) => {
        manifestOf(i).stores.dynamodb = manifestOf(i).stores.dynamodb.filter(
          (t) => t.tableName !== "shop-carts",
        );
      });
      const found = runStack(drReplicationCoverage, inputs);
      assert.equal(found.length, 1);
      assert.match(
        found[0].message,
        /DynamoDB table shop-carts has no replication path; publish it in the drManifest/,
      );
    });
  });

  it("dr-deferred-replication reports each deferred item", () => {
    assert.deepEqual(runStack(drDeferredReplication, stackInputs("eu-west-1")), []);
    const inputs = stackInputs("eu-west-1", (i) => {
      manifestOf(i).deferred = ["Aurora secondary cluster (needs prod-use1's manifest)"];
    });
    assert.deepEqual(
      runStack(drDeferredReplication, inputs).map((f) => f.message),
      [
        "Deferred until the peer exists: Aurora secondary cluster (needs prod-use1's manifest). Run `pulumi up` on this stack again once the peer stack is deployed (drManifest.deferred).",
      ],
    );
  });

  describe("rto-budget-within-target", () => {
    it("passes 30 s detection + max(120 s promotion, 155 s writer switch) + 30 s TTL against tier0's 300 s", () => {
      assert.deepEqual(runStack(rtoBudgetWithinTarget, stackInputs("us-east-1")), []);
    });

    it("measures detection from the health checks and TTL from the records", () => {
      const slow = stackInputs("us-east-1", (i) => {
        find(i, T.healthCheck, "shop-use1-traffic-httpsHealthCheck").props.requestInterval = 30;
        find(i, T.record, "shop-use1-traffic-writerRecord").props.ttl = 120;
      });
      const found = runStack(rtoBudgetWithinTarget, slow).map((f) => f.message);
      assert.equal(found.length, 2);
      assert.match(
        found[0],
        /The RTO budget is 365 s \(detection 90 s \+ the slower of promotion 120 s and writer switch 155 s \+ DNS TTL 120 s\), over the tier0 target of 300 s/,
      );
      assert.match(
        found[1],
        /drManifest\.budget\.totalSeconds is 215 s but the stack's resources give 365 s/,
      );
    });

    it("takes the target and promotion estimate from policy config", () => {
      const found = runStack(rtoBudgetWithinTarget, stackInputs("us-east-1"), {
        rtoSeconds: 215,
        promotionSeconds: 60,
      });
      assert.deepEqual(found, []);
      // A promotion estimate slower than the writer switch decides the budget.
      const slow = runStack(rtoBudgetWithinTarget, stackInputs("us-east-1"), {
        rtoSeconds: 215,
        promotionSeconds: 200,
      });
      assert.match(slow[0].message, /The RTO budget is 260 s .* target of 215 s/);
      const tight = runStack(rtoBudgetWithinTarget, stackInputs("us-east-1"), { rtoSeconds: 100 });
      assert.match(tight[0].message, /The RTO budget is 215 s .* target of 100 s/);
      assert.throws(
        () => runStack(rtoBudgetWithinTarget, stackInputs("us-east-1"), { tier: "gold" }),
        /rto-budget-within-target\.tier: must be one of tier0, tier1, tier2/,
      );
    });

    it("flags a stack with nothing to detect a failure", () => {
      const blind = stackInputs("us-east-1", (i) => {
        // The cell's endpoint check and the API's: every check that probes an endpoint.
        for (const name of ["shop-use1-traffic-httpsHealthCheck", "shop-use1-api-healthCheck"]) {
          i.splice(i.indexOf(find(i, T.healthCheck, name)), 1);
        }
      });
      assert.match(
        runStack(rtoBudgetWithinTarget, blind)[0].message,
        /no HTTP, HTTPS or TCP Route 53 health check/,
      );
    });
  });

  describe("dr-manifest-complete", () => {
    it("passes both compliant cells", () => {
      assert.deepEqual(runStack(drManifestComplete, stackInputs("us-east-1")), []);
      assert.deepEqual(runStack(drManifestComplete, stackInputs("eu-west-1")), []);
    });

    it("requires the output, a valid schema, and every table listed", () => {
      const missing = stackInputs("us-east-1", (i) => {
        find(i, STACK_TYPE).props = {};
      });
      assert.deepEqual(runStack(drManifestComplete, missing), [
        {
          message:
            "The stack has no drManifest output; export the cell's manifest (manifest/schema.ts) as drManifest from the program.",
          resource: undefined,
        },
      ]);
      const invalid = stackInputs("us-east-1", (i) => {
        manifestOf(i).stores.aurora!.clusterArn = "shop-use1";
      });
      assert.deepEqual(
        runStack(drManifestComplete, invalid).map((f) => f.message),
        ["drManifest.stores.aurora.clusterArn: must be an AWS ARN."],
      );
      const unlisted = stackInputs("eu-west-1", (i) => {
        i.push({
          type: T.dynamoReplica,
          name: "shop-auditReplica",
          props: { globalTableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/shop-audit" },
        });
      });
      const found = runStack(drManifestComplete, unlisted);
      assert.deepEqual(
        found.map((f) => f.resource),
        [`${T.dynamoReplica}::shop-auditReplica`],
      );
      assert.match(found[0].message, /Table shop-audit is not in drManifest\.stores\.dynamodb/);
    });

    it("accepts null stores only while work is deferred", () => {
      const incomplete = stackInputs("eu-west-1", (i) => {
        manifestOf(i).stores.msk.replicators = [];
      });
      assert.match(
        runStack(drManifestComplete, incomplete)[0].message,
        /drManifest\.stores\.msk\.replicators has none from us-east-1 \(prod-use1\) but drManifest\.deferred is empty/,
      );
      manifestOf(incomplete).deferred = ["MSK replicator from prod-use1"];
      assert.deepEqual(runStack(drManifestComplete, incomplete), []);
    });

    it("accepts a null writer record only while it is deferred", () => {
      const first = stackInputs("us-east-1", undefined, { firstDeploy: true });
      assert.deepEqual(runStack(drManifestComplete, first), []);
      manifestOf(first).deferred = [];
      assert.deepEqual(
        runStack(drManifestComplete, first).map((f) => f.message),
        [
          // The home cell's first deploy also lacks the replicator from its peer's cluster.
          "drManifest.stores.msk.replicators has none from eu-west-1 (prod-euw1) but drManifest.deferred is empty; add the replicator, or list what the next `pulumi up` adds in deferred.",
          "drManifest.traffic.writerRecord is null but drManifest.deferred is empty; fill it in, or list what the next `pulumi up` adds in deferred.",
          "drManifest.traffic.healthCheck.writerHealthCheckId is null but drManifest.deferred is empty; fill it in, or list what the next `pulumi up` adds in deferred.",
        ],
      );
    });
  });

  describe("peer-cell-parity", () => {
    const peer = () => cellManifest("eu-west-1");

    it("does not apply without peer manifests, and passes matching cells", () => {
      assert.deepEqual(runStack(peerCellParity, stackInputs("us-east-1")), []);
      assert.deepEqual(
        runStack(peerCellParity, stackInputs("us-east-1"), { peerManifests: [peer()] }),
        [],
      );
      assert.deepEqual(
        runStack(peerCellParity, stackInputs("eu-west-1"), {
          peerManifests: [{ drManifest: cellManifest("us-east-1") }],
        }),
        [],
      );
    });

    it("reports every difference that breaks a failover", () => {
      const p = peer();
      p.stores.dynamodb = p.stores.dynamodb.filter((t) => t.tableName !== "shop-carts");
      p.stores.msk.topics = ["orders"];
      p.stores.cache.engineVersion = "7.2";
      p.stores.aurora!.engineVersion = "16.4";
      p.network.cidr = "10.10.128.0/17";
      p.capacity.eksDesiredNodes = 2;
      const found = runStack(peerCellParity, stackInputs("us-east-1"), { peerManifests: [p] }).map(
        (f) => f.message,
      );
      const expected = [
        /table shop-carts is missing in prod-euw1/,
        /msk\.topics: this cell \["orders","payments"\], prod-euw1 \["orders"\]/,
        /cache\.engineVersion: this cell "8\.0", prod-euw1 "7\.2"/,
        /aurora\.engineVersion: this cell "16\.6", prod-euw1 "16\.4"/,
        /network\.cidr 10\.10\.0\.0\/16 overlaps prod-euw1's 10\.10\.128\.0\/17/,
        /eks desired nodes: prod-euw1 has 2, needs at least 3 \(1 x 3 here\)/,
      ];
      assert.equal(found.length, expected.length, found.join("\n"));
      expected.forEach((re, i) => assert.match(found[i], re));
      assert.ok(found.every((m) => m.startsWith("Cell prod-use1 differs from prod-euw1: ")));
    });

    it("capacityRatio allows a smaller standby", () => {
      const p = peer();
      p.capacity.eksDesiredNodes = 2;
      p.capacity.eksInstanceType = "m7i.xlarge";
      assert.deepEqual(
        runStack(peerCellParity, stackInputs("us-east-1"), {
          peerManifests: [p],
          capacityRatio: 0.5,
        }),
        [],
      );
    });

    it("needs a manifest for every peer, and only for peers", () => {
      const stranger = { ...peer(), stack: "prod-apse1", region: "ap-southeast-1" };
      const found = runStack(peerCellParity, stackInputs("us-east-1"), {
        peerManifests: [stranger],
      }).map((f) => f.message);
      assert.match(found[0], /prod-apse1 \(ap-southeast-1\) is not a peer of this cell/);
      assert.match(found[1], /No manifest was given for peer prod-euw1 \(eu-west-1\)/);
    });

    it("reads peer manifests from files and rejects malformed ones naming the key", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-"));
      const file = path.join(dir, "euw1.json");
      fs.writeFileSync(file, JSON.stringify({ drManifest: peer() }));
      assert.deepEqual(
        runStack(peerCellParity, stackInputs("us-east-1"), { peerManifestFiles: [file] }),
        [],
      );
      assert.throws(
        () =>
          runStack(peerCellParity, stackInputs("us-east-1"), {
            peerManifests: [{ ...peer(), region: "" }],
          }),
        /peer-cell-parity\.peerManifests\[0\] is invalid:\n {2}- region: must not be empty/,
      );
      assert.throws(
        () => runStack(peerCellParity, stackInputs("us-east-1"), { peerManifests: peer() }),
        /peer-cell-parity\.peerManifests: must be a list of DR manifests/,
      );
    });
  });
});
