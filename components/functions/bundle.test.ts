import { strict as assert } from "assert";
import Module from "module";
import * as path from "path";
import { buildHandler, bundleHandler, HANDLERS, handlerArchive, REPO_ROOT } from "./bundle";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Loads bundled code as a CommonJS module, as the Lambda runtime does with index.js. */
function load(code: string): Record<string, unknown> {
  // A file name in the repo root, so the left-out @aws-sdk/* requires resolve to node_modules,
  // standing in for the runtime's SDK.
  const filename = path.join(REPO_ROOT, `bundle-under-test-${Math.random()}.js`);
  const m = new Module(filename);
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(p: string): string[] })._nodeModulePaths(
    REPO_ROOT,
  );
  (m as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
  return m.exports as Record<string, unknown>;
}

describe("components/functions bundle", () => {
  for (const role of Object.keys(HANDLERS) as (keyof typeof HANDLERS)[]) {
    it(`${role}: builds, the same bytes twice, no machine paths, the AWS SDK left to the runtime`, () => {
      const a = buildHandler(role);
      const b = buildHandler(role);
      assert.equal(a, b);
      assert.ok(!a.includes(REPO_ROOT), "the bundle embeds an absolute path of this machine");
      const requires = [...a.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      const foreign = requires.filter((r) => !r.startsWith("@aws-sdk/") && r !== "crypto");
      assert.deepEqual(foreign, [], `only the runtime's SDK and node built-ins stay external`);
      // The admission library is inside the consumer's bundle, not required at run time.
      if (role === "queueConsumer")
        assert.match(a, /fail closed: could not establish write admission/);
    });
  }

  it("the archive holds index.js with the bundled code", async () => {
    const archive = handlerArchive("queueConsumer");
    const assets = (await archive.assets) as Record<string, { text: Promise<string> }>;
    assert.deepEqual(Object.keys(assets), ["index.js"]);
    assert.equal(await assets["index.js"].text, bundleHandler("queueConsumer"));
  });

  it("the bundled queue consumer runs: admission refuses -> nothing written, the message reported", async () => {
    const mod = load(bundleHandler("queueConsumer"));
    assert.equal(typeof mod.handler, "function");
    const sent: unknown[] = [];
    const make = mod.createQueueConsumer as (deps: unknown) => (e: unknown) => Promise<unknown>;
    const refuse = make({
      admission: { check: async () => ({ admit: false, condition: "fence", reason: "fenced" }) },
      dynamodb: { send: async (c: unknown) => sent.push(c) },
      table: { tableName: "shop-orders", partitionKey: "pk" },
      region: "us-east-1",
      log: () => undefined,
    });
    const body = JSON.stringify({ pk: "order#1", version: 1 });
    assert.deepEqual(await refuse({ Records: [{ messageId: "m1", body }] }), {
      batchItemFailures: [{ itemIdentifier: "m1" }],
    });
    assert.equal(sent.length, 0);

    const admit = make({
      admission: { check: async () => ({ admit: true, reason: "ok" }) },
      dynamodb: { send: async (c: unknown) => sent.push(c) },
      table: { tableName: "shop-orders", partitionKey: "pk" },
      region: "us-east-1",
      log: () => undefined,
    });
    assert.deepEqual(await admit({ Records: [{ messageId: "m1", body }] }), {
      batchItemFailures: [],
    });
    const input = (sent[0] as { input: Record<string, unknown> }).input;
    assert.equal(input.TableName, "shop-orders");
    assert.equal(input.ConditionExpression, "attribute_not_exists(#pk) OR #version < :version");
  });

  it("the bundled entry point refuses to start without its environment, naming the variable", async () => {
    const mod = load(bundleHandler("streamProcessor"));
    const saved = { ...process.env };
    try {
      process.env.AWS_REGION = "us-east-1";
      delete process.env.DR_BUS_NAME;
      await assert.rejects(
        (mod.handler as (e: unknown) => Promise<unknown>)({ Records: [] }),
        /DR_BUS_NAME is not set/,
      );
    } finally {
      process.env = saved;
    }
  });

  it("the bundled stream processor runs with fake clients", async () => {
    const mod = load(bundleHandler("streamProcessor"));
    const puts: unknown[] = [];
    const published: unknown[] = [];
    const handler = (mod.createStreamProcessor as (d: unknown) => (e: unknown) => Promise<unknown>)(
      {
        events: {
          send: async (c: { input: { Entries: unknown[] } }) => {
            puts.push(c.input);
            return { FailedEntryCount: 0, Entries: c.input.Entries.map(() => ({ EventId: "e" })) };
          },
        },
        topic: { publish: async (m: unknown) => published.push(m) },
        busName: "bus",
        topicArn: "arn:aws:sns:us-east-1:123456789012:t",
        region: "us-east-1",
        log: () => undefined,
      },
    );
    const out = await handler({
      Records: [
        {
          eventName: "INSERT",
          eventSourceARN: "arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders/stream/x",
          dynamodb: { SequenceNumber: "1", Keys: { pk: { S: "a" } }, NewImage: { pk: { S: "a" } } },
        },
      ],
    });
    assert.deepEqual(out, { batchItemFailures: [] });
    assert.equal(puts.length, 1);
    assert.equal(published.length, 1);
  });
});
