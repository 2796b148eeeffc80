import { strict as assert } from "assert";
import { byType, named, promiseOf, renderComponent } from "../../testing";
import { OUT_OF_BAND_PROPERTIES } from "../switchover/outOfBand";
import { CellFunctions, CellFunctionsArgs, ESM_TYPE, ManifestFunctions } from "./index";
import { FUNCTIONS_DEFAULTS } from "../../config/schema";

const ACCT = "123456789012";
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/mrk-1`;

function args(over: Partial<CellFunctionsArgs> = {}): CellFunctionsArgs {
  return {
    identity: { app: "shop", cell: "use1", region: "us-east-1" },
    role: "home",
    homeRegion: "us-east-1",
    peerRegions: ["eu-west-1", "ap-southeast-2"],
    kmsKeyArn: KEY,
    queue: {
      queueArn: `arn:aws:sqs:us-east-1:${ACCT}:shop-use1-work`,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
    },
    consumerTable: {
      tableName: "shop-orders",
      tableArn: `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-orders`,
      partitionKey: "pk",
      sortKey: "sk",
    },
    streamTable: {
      tableName: "shop-orders",
      tableArn: `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-orders`,
      streamArn: `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-orders/stream/2026-01-01T00:00:00.000`,
    },
    controlTable: {
      tableName: "shop-dr-control",
      tableArn: `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-dr-control`,
    },
    events: {
      busName: "shop-use1-bus",
      busArn: `arn:aws:events:us-east-1:${ACCT}:event-bus/shop-use1-bus`,
      topicArn: `arn:aws:sns:us-east-1:${ACCT}:shop-use1-events`,
    },
    settings: { ...FUNCTIONS_DEFAULTS },
    ...over,
  };
}

async function render(a: CellFunctionsArgs) {
  let manifest: Promise<ManifestFunctions> | undefined;
  const r = await renderComponent(() => {
    const c = new CellFunctions("fn", a);
    manifest = promiseOf(c.manifestFunctions);
  });
  return { r, manifest: await manifest! };
}

type Statement = {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
};
const statements = (policy: unknown): Statement[] => JSON.parse(String(policy)).Statement;

describe("components/functions CellFunctions", () => {
  it("two functions: nodejs22.x on arm64, X-Ray active, reserved concurrency, env encrypted with the cell key, own log group", async () => {
    const { r } = await render(args());
    // The heartbeat function has its own test (heartbeat.test.ts).
    const fns = byType(r, "aws:lambda/function:Function").filter(
      (f) => f.inputs.name !== "shop-use1-heartbeat",
    );
    assert.deepEqual(fns.map((f) => f.inputs.name).sort(), [
      "shop-use1-queue-consumer",
      "shop-use1-stream-processor",
    ]);
    for (const f of fns) {
      assert.equal(f.inputs.runtime, "nodejs22.x");
      assert.deepEqual(f.inputs.architectures, ["arm64"]);
      assert.equal(f.inputs.handler, "index.handler");
      assert.deepEqual(f.inputs.tracingConfig, { mode: "Active" });
      assert.equal(f.inputs.kmsKeyArn, KEY);
      assert.equal(f.inputs.timeout, 10);
      assert.equal(f.registeredInApply, false);
      const group = byType(r, "aws:cloudwatch/logGroup:LogGroup").find(
        (g) => g.inputs.name === `/aws/lambda/${f.inputs.name}`,
      );
      assert.ok(group, `no log group for ${String(f.inputs.name)}`);
      assert.equal(group.inputs.retentionInDays, 30);
      assert.equal((f.inputs.loggingConfig as { logGroup: string }).logGroup, group.inputs.name);
    }
    assert.equal(named(r, "fn-queueConsumer").inputs.reservedConcurrentExecutions, 10);
    assert.equal(named(r, "fn-streamProcessor").inputs.reservedConcurrentExecutions, 5);
    assert.deepEqual(
      (named(r, "fn-queueConsumer").inputs.environment as { variables: unknown }).variables,
      {
        DR_HOME_REGION: "us-east-1",
        DR_PEER_REGIONS: "eu-west-1,ap-southeast-2",
        DR_CONTROL_TABLE: "shop-dr-control",
        DR_LEASE_SECONDS: "3",
        DR_TABLE_NAME: "shop-orders",
        DR_PARTITION_KEY: "pk",
        DR_SORT_KEY: "sk",
      },
    );
  });

  it("the SQS mapping reports batch item failures and never invokes past the reserved concurrency", async () => {
    const { r } = await render(args());
    const m = named(r, "fn-queueMapping");
    assert.equal(m.inputs.eventSourceArn, `arn:aws:sqs:us-east-1:${ACCT}:shop-use1-work`);
    assert.equal(m.inputs.functionName, named(r, "fn-queueConsumer").state.arn);
    assert.deepEqual(m.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.equal(m.inputs.batchSize, 10);
    assert.deepEqual(m.inputs.scalingConfig, { maximumConcurrency: 10 });
  });

  it("the stream mapping bisects, retries a bounded number of times, then sends to its own encrypted DLQ", async () => {
    const { r } = await render(args());
    const m = named(r, "fn-streamMapping");
    const dlq = named(r, "fn-streamFailureQueue");
    assert.equal(m.inputs.startingPosition, "LATEST");
    assert.equal(m.inputs.bisectBatchOnFunctionError, true);
    assert.equal(m.inputs.maximumRetryAttempts, 5);
    assert.equal(m.inputs.maximumRecordAgeInSeconds, 3600);
    assert.equal(m.inputs.parallelizationFactor, 1);
    assert.deepEqual(m.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.deepEqual(m.inputs.destinationConfig, { onFailure: { destinationArn: dlq.state.arn } });
    assert.equal(dlq.inputs.name, "shop-use1-stream-dlq");
    assert.equal(dlq.inputs.kmsMasterKeyId, KEY);
  });

  it("writer-only mappings: enabled at creation in the home cell only, 'enabled' left to the failover commands", async () => {
    const home = await render(args());
    const joiner = await render(
      args({ role: "joiner", identity: { app: "shop", cell: "euw1", region: "eu-west-1" } }),
    );
    const rebuilt = await render(
      args({ settings: { ...FUNCTIONS_DEFAULTS, mappingsEnabledAtCreation: false } }),
    );
    for (const [r, enabled] of [
      [home.r, true],
      [joiner.r, false],
      [rebuilt.r, false],
    ] as const) {
      const maps = byType(r, ESM_TYPE);
      assert.equal(maps.length, 2);
      for (const m of maps) {
        assert.equal(m.inputs.enabled, enabled, m.name);
        assert.deepEqual(m.ignoreChanges, [...OUT_OF_BAND_PROPERTIES[ESM_TYPE]]);
        assert.ok(m.ignoreChanges.includes("enabled"));
      }
    }
  });

  it("least privilege: the consumer writes one table and reads only its admission items of the control table", async () => {
    const { r } = await render(args());
    const consumer = statements(named(r, "fn-queueConsumerPolicy").inputs.policy);
    const bySid = new Map(consumer.map((s) => [s.Sid, s]));
    assert.deepEqual(bySid.get("ConditionalWrites"), {
      Sid: "ConditionalWrites",
      Effect: "Allow",
      Action: "dynamodb:PutItem",
      Resource: `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-orders`,
    });
    assert.deepEqual(bySid.get("AdmissionReads")!.Condition, {
      "ForAllValues:StringLike": {
        "dynamodb:LeadingKeys": ["writer", "fence#us-east-1", "heartbeat#*"],
      },
    });
    assert.equal(bySid.get("PollQueue")!.Resource, `arn:aws:sqs:us-east-1:${ACCT}:shop-use1-work`);
    // Only actions that have no resource-level permission get "*".
    const star = (ss: Statement[]) =>
      ss
        .filter((s) => s.Resource === "*")
        .flatMap((s) => [s.Action].flat())
        .sort();
    assert.deepEqual(star(consumer), ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
    const stream = statements(named(r, "fn-streamProcessorPolicy").inputs.policy);
    assert.deepEqual(star(stream), [
      "dynamodb:ListStreams",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]);
    assert.ok(
      !JSON.stringify(stream).includes("dynamodb:PutItem"),
      "the stream processor writes no table",
    );
    assert.equal(
      stream.find((s) => s.Sid === "ReadStream")!.Resource,
      `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-orders/stream/*`,
    );
  });

  it("publishes both consumers for the manifest (the failover commands' contract)", async () => {
    const { r, manifest } = await render(args());
    assert.deepEqual(
      manifest.consumers.map((c) => [c.name, c.source, c.writerOnly, c.functionName]),
      [
        ["queue-consumer", "sqs", true, "shop-use1-queue-consumer"],
        ["stream-processor", "dynamodb-stream", true, "shop-use1-stream-processor"],
      ],
    );
    assert.equal(
      manifest.consumers[0].eventSourceMappingUuid,
      named(r, "fn-queueMapping").state.uuid,
    );
    assert.match(manifest.consumers[0].eventSourceMappingUuid, /^[0-9a-f-]{36}$/);
    assert.equal(
      manifest.consumers[0].functionArn,
      `arn:aws:lambda:us-east-1:${ACCT}:function:shop-use1-queue-consumer`,
    );
    assert.equal(manifest.consumers[1].sourceArn, args().streamTable.streamArn);
  });

  it("refuses a queue visibility timeout under 6x the function timeout, naming both keys", async () => {
    await assert.rejects(
      render(args({ queue: { ...args().queue, visibilityTimeoutSeconds: 30 } })),
      /dr:queue\.visibilityTimeoutSeconds is 30 s but must be at least 6 x dr:functions\.timeoutSeconds = 60 s/,
    );
  });

  it("warns when maxReceiveCount could send a switchover's returned messages to the DLQ", async () => {
    const { r } = await render(args({ queue: { ...args().queue, maxReceiveCount: 2 } }));
    assert.ok(
      r.logs.some((l) => l.severity === "warn" && /dr:queue.maxReceiveCount is 2/.test(l.message)),
    );
  });
});
