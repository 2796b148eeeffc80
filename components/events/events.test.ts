import { strict as assert } from "assert";
import * as path from "path";
import { CellEvents, CellEventsArgs, lakePrefixes, ManifestEvents } from "./events";
import { aslIssues, ungatedWrites } from "./workflow";
import { byType, named, oneOf, promiseOf, renderComponent, steadyStateOnce } from "../../testing";
import { loadDrConfig } from "../../config";
import { readStackFile, PROJECT_DIR, StackRender } from "../../plan/stack";
import { eventsStoreSchema } from "../../manifest/schema";
import { InputValidationError } from "../../validation/issues";
import { cellEventsArgs } from "./config";
import * as pulumi from "@pulumi/pulumi";

const identity = { app: "shop", cell: "euw1", region: "eu-west-1" };
const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1";
const bucketArn = "arn:aws:s3:::shop-euw1-bucket-abc";
const args = (over: Partial<CellEventsArgs> = {}): CellEventsArgs => ({
  identity,
  homeRegion: "us-east-1",
  peerRegions: ["us-east-1"],
  kmsKeyArn: keyArn,
  lakeBucketArn: bucketArn,
  controlTable: {
    tableName: "shop-dr-control",
    tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dr-control",
  },
  jobTable: {
    tableName: "shop-orders",
    tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-orders",
    partitionKey: "pk",
    sortKey: "sk",
  },
  ...over,
});

async function render(a: CellEventsArgs) {
  let events: CellEvents | undefined;
  const r = await renderComponent(
    () => {
      events = new CellEvents("ev", a);
    },
    { region: a.identity.region },
  );
  return { r, events: events! };
}

const json = (v: unknown) => JSON.parse(String(v)) as Record<string, unknown>;
type Statement = {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};
const statements = (v: unknown) => (json(v) as { Statement: Statement[] }).Statement;

describe("components/events CellEvents", () => {
  it("Firehose reads the Kinesis stream and writes the lake under this region's partition, KMS-encrypted", async () => {
    const { r } = await render(args());
    const fh = oneOf(r, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
    const stream = oneOf(r, "aws:kinesis/stream:Stream");
    const role = named(r, "ev-firehoseRole");
    assert.equal(fh.inputs.destination, "extended_s3");
    assert.deepEqual(fh.inputs.kinesisSourceConfiguration, {
      kinesisStreamArn: stream.state.arn,
      roleArn: role.state.arn,
    });
    const s3 = fh.inputs.extendedS3Configuration as Record<string, unknown>;
    assert.equal(s3.bucketArn, bucketArn);
    assert.equal(s3.kmsKeyArn, keyArn);
    assert.equal(
      s3.prefix,
      "lake/region=eu-west-1/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
    );
    assert.match(
      String(s3.errorOutputPrefix),
      /^lake-errors\/region=eu-west-1\/!\{firehose:error-output-type\}\//,
    );
    assert.deepEqual(
      [s3.bufferingInterval, s3.bufferingSize, s3.compressionFormat],
      [300, 64, "GZIP"],
    );
    assert.equal((s3.cloudwatchLoggingOptions as { enabled: boolean }).enabled, true);
    assert.ok(
      fh.dependsOn.includes("ev-firehosePolicy"),
      "created after its role can read the stream",
    );
    // The role reads the stream, decrypts it, and writes only the lake bucket.
    const sids = statements(named(r, "ev-firehosePolicy").inputs.policy);
    const write = sids.find((s) => s.Sid === "WriteLake")!;
    assert.deepEqual(write.Resource, [bucketArn, `${bucketArn}/*`]);
    assert.deepEqual(sids.find((s) => s.Sid === "ReadStream")!.Resource, stream.state.arn);
    // The stream itself: KMS with the cell key, on-demand by default.
    assert.deepEqual(
      [stream.inputs.encryptionType, stream.inputs.kmsKeyId, stream.inputs.streamModeDetails],
      ["KMS", keyArn, { streamMode: "ON_DEMAND" }],
    );
    assert.equal(stream.inputs.shardCount, undefined);
  });

  it("a provisioned stream when streamShards > 0", async () => {
    const { r } = await render(args({ streamShards: 4, streamRetentionHours: 48 }));
    const stream = oneOf(r, "aws:kinesis/stream:Stream");
    assert.deepEqual(
      [stream.inputs.shardCount, stream.inputs.streamModeDetails, stream.inputs.retentionPeriod],
      [4, { streamMode: "PROVISIONED" }, 48],
    );
  });

  it("the bus's rule feeds every event to the stream, through a role, with retries and a DLQ", async () => {
    const { r } = await render(args());
    const bus = oneOf(r, "aws:cloudwatch/eventBus:EventBus");
    const rule = oneOf(r, "aws:cloudwatch/eventRule:EventRule");
    const target = oneOf(r, "aws:cloudwatch/eventTarget:EventTarget");
    const dlq = named(r, "ev-deadLetterQueue");
    assert.equal(bus.inputs.name, "shop-euw1-events");
    assert.equal(rule.inputs.eventBusName, "shop-euw1-events");
    assert.deepEqual(json(rule.inputs.eventPattern), { source: [{ prefix: "" }] });
    assert.equal(target.inputs.arn, oneOf(r, "aws:kinesis/stream:Stream").state.arn);
    assert.equal(target.inputs.roleArn, named(r, "ev-lakeRuleRole").state.arn);
    assert.deepEqual(target.inputs.deadLetterConfig, { arn: dlq.state.arn });
    assert.ok(
      (target.inputs.retryPolicy as { maximumRetryAttempts: number }).maximumRetryAttempts > 0,
    );
    assert.equal(dlq.inputs.sqsManagedSseEnabled, true);
    const [allow] = statements(named(r, "ev-deadLetterQueuePolicy").inputs.policy);
    assert.deepEqual(allow.Condition, { ArnEquals: { "aws:SourceArn": rule.state.arn } });
    const archive = oneOf(r, "aws:cloudwatch/eventArchive:EventArchive");
    assert.equal(archive.inputs.eventSourceArn, bus.state.arn);
    assert.equal(archive.inputs.retentionDays, 7);
  });

  it("the SNS topic is encrypted with the cell key", async () => {
    const { r } = await render(args());
    assert.equal(oneOf(r, "aws:sns/topic:Topic").inputs.kmsMasterKeyId, keyArn);
  });

  it("the Express workflow logs to its log group, traces, and runs a sound, gated definition", async () => {
    const { r } = await render(args({ workflowLogLevel: "ERROR", includeExecutionData: true }));
    const sm = oneOf(r, "aws:sfn/stateMachine:StateMachine");
    const logs = named(r, "ev-workflowLogs");
    assert.equal(sm.inputs.type, "EXPRESS");
    assert.deepEqual(sm.inputs.loggingConfiguration, {
      logDestination: `${logs.state.arn}:*`,
      level: "ERROR",
      includeExecutionData: true,
    });
    assert.deepEqual(sm.inputs.tracingConfiguration, { enabled: true });
    assert.equal(logs.inputs.name, "/aws/vendedlogs/states/shop-euw1-jobs");
    const def = json(sm.inputs.definition);
    assert.deepEqual(aslIssues(def as never), []);
    assert.deepEqual(ungatedWrites(def as never, "Decide"), []);
    // The role reads only the admission items and writes only the job table and the bus.
    const policy = statements(named(r, "ev-workflowPolicy").inputs.policy);
    const read = policy.find((s) => s.Sid === "ReadAdmission")!;
    assert.deepEqual(read.Condition, {
      "ForAllValues:StringLike": {
        "dynamodb:LeadingKeys": ["writer", "fence#eu-west-1", "heartbeat#*"],
      },
    });
    assert.equal(policy.find((s) => s.Sid === "WriteJobs")!.Resource, args().jobTable.tableArn);
    assert.equal(
      policy.find((s) => s.Sid === "Publish")!.Resource,
      oneOf(r, "aws:cloudwatch/eventBus:EventBus").state.arn,
    );
    assert.ok(sm.dependsOn.includes("ev-workflowPolicy"));
  });

  it("publishes its outputs and a manifest section that the schema accepts", async () => {
    const { events } = await render(args());
    const m: ManifestEvents = await promiseOf(events.manifestEvents);
    assert.deepEqual(eventsStoreSchema.parse(m), m);
    assert.equal(m.busName, "shop-euw1-events");
    assert.equal(m.lake.bucketArn, bucketArn);
    assert.equal(await promiseOf(events.busName), "shop-euw1-events");
    for (const o of [
      events.busArn,
      events.topicArn,
      events.stateMachineArn,
      events.kinesisStreamArn,
      events.firehoseArn,
    ]) {
      assert.match(await promiseOf(o), /^arn:aws:/);
    }
  });

  it("rejects bad args before creating anything, naming the arg", async () => {
    await assert.rejects(
      render(args({ lakePrefix: "Lake" })),
      /lakePrefix: 'Lake' must be an S3 key prefix ending in '\/'/,
    );
    await assert.rejects(
      render(args({ peerRegions: ["eu-west-1"] })),
      /peerRegions: lists this cell's own region/,
    );
    await assert.rejects(render(args({ leaseSeconds: 0 })), /leaseSeconds: must be a whole number/);
  });

  it("lake prefixes differ per region, so replicated objects never collide", () => {
    const a = lakePrefixes("lake/", "us-east-1");
    const b = lakePrefixes("lake/", "eu-west-1");
    assert.notEqual(a.prefix.split("/year=")[0], b.prefix.split("/year=")[0]);
    assert.ok(!a.errorPrefix.startsWith("lake/"), "errors stay out of the lake");
  });
});

describe("components/events config (dr:events)", () => {
  const raw = () => readStackFile(PROJECT_DIR, "prod-use1");
  const load = (events: unknown) =>
    loadDrConfig("prod-use1", { ...raw(), "dr:events": JSON.stringify(events) });
  const issue = (events: unknown): string => {
    try {
      load(events);
    } catch (e) {
      assert.ok(e instanceof InputValidationError, String(e));
      return e.issues.map((i) => `${i.key}: ${i.message}`).join("\n");
    }
    assert.fail("expected a config error");
  };

  it("defaults keep the shipped stacks rendering", () => {
    const c = loadDrConfig("prod-use1", raw());
    assert.deepEqual(c.events, {
      streamShards: 0,
      streamRetentionHours: 24,
      lakePrefix: "lake/",
      bufferSeconds: 300,
      bufferMb: 64,
      archiveRetentionDays: 7,
      workflowLogLevel: "ALL",
      includeExecutionData: false,
      leaseSeconds: 3,
    });
  });

  it("bad values name the key and the fix", () => {
    assert.match(issue({ streamShards: -1 }), /dr:events\.streamShards: must be at least 0/);
    assert.match(issue({ bufferMb: 500 }), /dr:events\.bufferMb: must be at most 128/);
    assert.match(
      issue({ lakePrefix: "lake" }),
      /dr:events\.lakePrefix: must be an S3 key prefix .* ending in '\/'/,
    );
    assert.match(
      issue({ workflowLogLevel: "OFF" }),
      /dr:events\.workflowLogLevel: must be ALL, ERROR or FATAL/,
    );
    assert.match(issue({ leaseSecs: 3 }), /dr:events.*leaseSecs/);
  });

  it("the job table must be a configured table with a string partition key", () => {
    const from = {
      identity: { app: "shop", cell: "use1", region: "us-east-1" },
      kmsKeyArn: keyArn,
      lakeBucketArn: bucketArn,
      tables: pulumi.output([]),
      controlTable: pulumi.output({
        tableName: "shop-dr-control",
        tableArn: "arn:aws:dynamodb:us-east-1:1:table/x",
      }),
    };
    const withJob = (jobTable: string) =>
      loadDrConfig("prod-use1", { ...raw(), "dr:events": JSON.stringify({ jobTable }) });
    assert.equal(cellEventsArgs(withJob("carts"), from).jobTable.tableName, "shop-carts");
    assert.equal(
      cellEventsArgs(loadDrConfig("prod-use1", raw()), from).jobTable.tableName,
      "shop-orders",
    );
    assert.throws(
      () => cellEventsArgs(withJob("cart"), from),
      /dr:events\.jobTable: 'cart' is not a table of dr:dynamodb\.tables \(orders, carts\)/,
    );
    const numeric = loadDrConfig("prod-use1", {
      ...raw(),
      "dr:dynamodb": JSON.stringify({
        tables: [{ name: "counters", partitionKey: "n", partitionKeyType: "N" }],
      }),
    });
    assert.throws(
      () => cellEventsArgs(numeric, from),
      /dr:events\.jobTable: 'counters' has a partition key of type N/,
    );
  });
});

describe("stacks: the event path in every cell", function () {
  const three = path.join(__dirname, "..", "..", "plan", "fixtures", "three-cells");
  let shipped: StackRender[];
  let threeCells: StackRender[];
  before(async function () {
    // Five stacks through the mock runtime: minutes on a loaded machine.
    this.timeout(600_000);
    const a = await steadyStateOnce();
    shipped = ["prod-use1", "prod-euw1"].map((s) => a.get(s)!);
    const b = await steadyStateOnce(three);
    threeCells = ["prod-use1", "prod-euw1", "prod-apse1"].map((s) => b.get(s)!);
  });

  const check = (c: StackRender) => {
    const region = c.manifest.region;
    const peers = c.manifest.peers.map((p) => p.region);
    const ev = c.manifest.stores.events;
    assert.ok(ev, `${c.stack} publishes stores.events`);
    // Firehose writes into the cell's own replicated bucket, under its region's partition.
    assert.equal(ev.lake.bucketArn, c.manifest.stores.s3.bucketArn);
    assert.ok(ev.lake.prefix.startsWith(`lake/region=${region}/`), ev.lake.prefix);
    assert.equal(
      c.manifest.stores.s3.replicationDestinations.length,
      peers.length,
      "the lake is replicated to every peer",
    );
    const fh = byType(c, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
    assert.equal(fh.length, 1);
    assert.equal(
      (fh[0].inputs.extendedS3Configuration as { bucketArn: string }).bucketArn,
      ev.lake.bucketArn,
    );
    // The workflow's admission reads one heartbeat per peer.
    const sm = oneOf(c, "aws:sfn/stateMachine:StateMachine");
    const def = json(sm.inputs.definition) as { States: Record<string, { Branches?: unknown[] }> };
    assert.equal(def.States.ReadAdmission.Branches!.length, 2 + peers.length, c.stack);
    assert.deepEqual(aslIssues(def as never), []);
    // Every resource of the layer is in the stack's own region.
    for (const res of c.resources.filter((x) => x.parent?.endsWith("-events"))) {
      // IAM is global; everything else lives in the stack's region.
      const expected = res.type.startsWith("aws:iam/") ? "global" : region;
      assert.equal(res.placement.region, expected, `${res.type} ${res.name}`);
    }
  };

  it("the shipped stacks: one event path each, lake in the replicated bucket", () => {
    for (const c of shipped) check(c);
  });

  it("three cells: the same, with two heartbeats read per cell", () => {
    for (const c of threeCells) check(c);
    const names = threeCells.map((c) => c.manifest.stores.events!.busName);
    assert.deepEqual(names, ["shop-use1-events", "shop-euw1-events", "shop-apse1-events"]);
  });
});
