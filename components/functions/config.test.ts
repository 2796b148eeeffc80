import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadDrConfig } from "../../config";
import { readStackFile, PROJECT_DIR } from "../../plan/stack";
import { InputValidationError } from "../../validation/issues";
import { cellFunctionsArgs } from "./config";

describe("components/functions config (dr:functions)", () => {
  const raw = () => readStackFile(PROJECT_DIR, "prod-use1");
  const load = (functions: unknown, extra: Record<string, string> = {}) =>
    loadDrConfig("prod-use1", { ...raw(), "dr:functions": JSON.stringify(functions), ...extra });
  const issue = (functions: unknown): string => {
    try {
      load(functions);
    } catch (e) {
      assert.ok(e instanceof InputValidationError, String(e));
      return e.issues.map((i) => `${i.key}: ${i.message}`).join("\n");
    }
    assert.fail("expected a config error");
  };

  it("defaults every key, so the shipped stacks set none", () => {
    const f = loadDrConfig("prod-use1", raw()).functions;
    assert.equal(f.timeoutSeconds, 10);
    assert.equal(f.consumerReservedConcurrency, 10);
    assert.equal(f.mappingsEnabledAtCreation, undefined);
  });

  it("names the key and the fix for a bad value", () => {
    assert.match(
      issue({ logRetentionDays: 2 }),
      /dr:functions\.logRetentionDays: must be a CloudWatch Logs retention/,
    );
    assert.match(
      issue({ consumerBatchSize: 11 }),
      /dr:functions\.consumerBatchSize: must be at most 10/,
    );
    assert.match(
      issue({ consumerReservedConcurrency: 1 }),
      /dr:functions\.consumerReservedConcurrency: must be at least 2/,
    );
    assert.match(
      issue({ streamMaximumRecordAgeSeconds: 30 }),
      /dr:functions\.streamMaximumRecordAgeSeconds: must be at least 60/,
    );
    assert.match(issue({ timeout: 10 }), /dr:functions.*timeout/);
  });

  it("the tables must be configured ones; the consumer's keys must be strings", () => {
    const from = {
      identity: { app: "shop", cell: "use1", region: "us-east-1" },
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
      queueArn: "arn:aws:sqs:us-east-1:123456789012:q",
      tables: pulumi.output([]),
      controlTable: pulumi.output({
        tableName: "shop-dr-control",
        tableArn: "arn:aws:dynamodb:us-east-1:1:table/x",
      }),
      tablesResource: undefined as unknown as pulumi.Resource,
      events: {
        busName: "b",
        busArn: "arn:aws:events:us-east-1:1:event-bus/b",
        topicArn: "arn:aws:sns:us-east-1:1:t",
      },
    };
    assert.throws(
      () => cellFunctionsArgs(load({ consumerTable: "order" }), from),
      /dr:functions\.consumerTable: 'order' is not a table of dr:dynamodb\.tables \(orders, carts\)/,
    );
    assert.throws(
      () => cellFunctionsArgs(load({ streamTable: "cart" }), from),
      /dr:functions\.streamTable: 'cart' is not a table of dr:dynamodb\.tables/,
    );
    const numeric = load(
      {},
      {
        "dr:dynamodb": JSON.stringify({
          tables: [{ name: "counters", partitionKey: "n", partitionKeyType: "N" }],
        }),
      },
    );
    assert.throws(
      () => cellFunctionsArgs(numeric, from),
      /dr:functions\.consumerTable: 'counters' has a key attribute that is not a string/,
    );
  });
});
