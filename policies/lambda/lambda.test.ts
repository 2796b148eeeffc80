import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, find, passes, runStack, stackInputs } from "../testing/expect";
import { STACK_TYPE } from "../lib/policy";
import { T } from "../lib/types";
import { cellManifest } from "../testing/cells";
import type { DrManifest } from "../../manifest";
import type { PolicyInput } from "../run";
import { lambdaMappingBatchItemFailures } from "./mappingBatchItemFailures";
import { lambdaConsumerDeadLetter } from "./consumerDeadLetter";
import { lambdaConsumerReservedConcurrency } from "./consumerReservedConcurrency";
import { lambdaMappingParity } from "./mappingParity";
import { outOfBandPropertiesIgnored } from "../platform/outOfBandPropertiesIgnored";

const QUEUE_MAPPING = "shop-use1-functions-queueMapping";
const STREAM_MAPPING = "shop-use1-functions-streamMapping";

function manifestOf(inputs: PolicyInput[]): DrManifest {
  return (find(inputs, STACK_TYPE).props as { drManifest: DrManifest }).drManifest;
}
const messages = (f: { message: string }[]) => f.map((x) => x.message);

describe("policies/lambda", () => {
  it("lambda-mapping-batch-item-failures: SQS and stream mappings report batch item failures", () => {
    const sqs = compliant(T.eventSourceMapping, QUEUE_MAPPING);
    const stream = compliant(T.eventSourceMapping, STREAM_MAPPING);
    passes(lambdaMappingBatchItemFailures, sqs);
    passes(lambdaMappingBatchItemFailures, stream);
    fails(
      lambdaMappingBatchItemFailures,
      changed(sqs, "functionResponseTypes", undefined),
      /functionResponseTypes is null; set functionResponseTypes: \["ReportBatchItemFailures"\]/,
    );
    fails(
      lambdaMappingBatchItemFailures,
      changed(stream, "functionResponseTypes", []),
      /functionResponseTypes is \[\]/,
    );
    // Kafka sources cannot report partial batches: not this policy's business.
    passes(
      lambdaMappingBatchItemFailures,
      changed(
        changed(sqs, "functionResponseTypes", undefined),
        "eventSourceArn",
        "arn:aws:kafka:us-east-1:123456789012:cluster/shop/abc",
      ),
    );
  });

  it("writer-only mappings ignore 'enabled' (out-of-band-properties-ignored)", () => {
    const m = compliant(T.eventSourceMapping, QUEUE_MAPPING);
    passes(outOfBandPropertiesIgnored, m);
    fails(outOfBandPropertiesIgnored, { ...m, ignoreChanges: [] }, /ignoreChanges lacks enabled/);
  });

  describe("lambda-consumer-dead-letter", () => {
    it("passes both compliant cells", () => {
      assert.deepEqual(runStack(lambdaConsumerDeadLetter, stackInputs("us-east-1")), []);
      assert.deepEqual(runStack(lambdaConsumerDeadLetter, stackInputs("eu-west-1")), []);
    });

    it("a stream mapping without an on-failure destination", () => {
      const found = runStack(
        lambdaConsumerDeadLetter,
        stackInputs("us-east-1", (i) => {
          delete find(i, T.eventSourceMapping, STREAM_MAPPING).props.destinationConfig;
        }),
      );
      assert.deepEqual(messages(found), [
        `The stream mapping ${STREAM_MAPPING} has no on-failure destination; set destinationConfig.onFailure.destinationArn to an SQS queue (the batch's shard and sequence numbers go there after the retries).`,
      ]);
    });

    it("a stream mapping that retries forever", () => {
      const found = runStack(
        lambdaConsumerDeadLetter,
        stackInputs("us-east-1", (i) => {
          const p = find(i, T.eventSourceMapping, STREAM_MAPPING).props;
          p.maximumRetryAttempts = -1;
          p.maximumRecordAgeInSeconds = -1;
        }),
      );
      assert.equal(found.length, 1);
      assert.match(found[0].message, /retries forever/);
      // One bound is enough.
      assert.deepEqual(
        runStack(
          lambdaConsumerDeadLetter,
          stackInputs("us-east-1", (i) => {
            find(i, T.eventSourceMapping, STREAM_MAPPING).props.maximumRetryAttempts = -1;
          }),
        ),
        [],
      );
    });

    it("an SQS mapping whose queue has no dead-letter queue, or is not in the stack", () => {
      const noDlq = runStack(
        lambdaConsumerDeadLetter,
        stackInputs("us-east-1", (i) => {
          delete find(i, T.queue, "shop-use1-queue-queue").props.redrivePolicy;
        }),
      );
      assert.equal(noDlq.length, 1);
      assert.match(noDlq[0].message, /reads shop-use1-queue-queue, which has no redrivePolicy/);
      const elsewhere = runStack(
        lambdaConsumerDeadLetter,
        stackInputs("us-east-1", (i) => {
          find(i, T.eventSourceMapping, QUEUE_MAPPING).props.eventSourceArn =
            "arn:aws:sqs:us-east-1:123456789012:someone-elses";
        }),
      );
      assert.equal(elsewhere.length, 1);
      assert.match(elsewhere[0].message, /not in this stack/);
    });
  });

  describe("lambda-consumer-reserved-concurrency", () => {
    it("passes both compliant cells", () => {
      assert.deepEqual(runStack(lambdaConsumerReservedConcurrency, stackInputs("us-east-1")), []);
      assert.deepEqual(runStack(lambdaConsumerReservedConcurrency, stackInputs("eu-west-1")), []);
    });

    it("a consumer without reserved concurrency", () => {
      const found = runStack(
        lambdaConsumerReservedConcurrency,
        stackInputs("us-east-1", (i) => {
          delete find(i, T.lambdaFunction, "shop-use1-functions-streamProcessor").props
            .reservedConcurrentExecutions;
        }),
      );
      assert.deepEqual(found, [
        {
          message:
            "The consumer shop-use1-functions-streamProcessor has reservedConcurrentExecutions not set; reserve at least 1 (dr:functions.*ReservedConcurrency).",
          resource: `${T.lambdaFunction}::shop-use1-functions-streamProcessor`,
        },
      ]);
    });

    it("an SQS mapping allowed more than the reservation", () => {
      const found = runStack(
        lambdaConsumerReservedConcurrency,
        stackInputs("us-east-1", (i) => {
          find(i, T.eventSourceMapping, QUEUE_MAPPING).props.scalingConfig = {
            maximumConcurrency: 50,
          };
        }),
      );
      assert.equal(found.length, 1);
      assert.match(found[0].message, /allows 50 concurrent invocations but .* reserves 10/);
    });
  });

  describe("lambda-mapping-parity", () => {
    const peer = () => cellManifest("eu-west-1");

    it("passes matching cells, with and without peer manifests", () => {
      assert.deepEqual(runStack(lambdaMappingParity, stackInputs("us-east-1")), []);
      assert.deepEqual(
        runStack(lambdaMappingParity, stackInputs("us-east-1"), { peerManifests: [peer()] }),
        [],
      );
      assert.deepEqual(
        runStack(lambdaMappingParity, stackInputs("eu-west-1"), {
          peerManifests: [cellManifest("us-east-1")],
        }),
        [],
      );
    });

    it("a mapping of the stack that the manifest does not list", () => {
      const found = runStack(
        lambdaMappingParity,
        stackInputs("us-east-1", (i) => {
          const m = manifestOf(i);
          m.stores.functions!.consumers = m.stores.functions!.consumers.filter(
            (c) => c.source !== "sqs",
          );
        }),
      );
      assert.equal(found.length, 1);
      assert.match(found[0].message, /shop-use1-functions-queueMapping .* is not in the manifest/);
      assert.equal(found[0].resource, `${T.eventSourceMapping}::${QUEUE_MAPPING}`);
    });

    it("a consumer the manifest lists that the stack lacks", () => {
      const found = runStack(
        lambdaMappingParity,
        stackInputs("us-east-1", (i) => {
          i.splice(i.indexOf(find(i, T.eventSourceMapping, STREAM_MAPPING)), 1);
        }),
      );
      assert.equal(found.length, 1);
      assert.match(found[0].message, /lists the consumer stream-processor .* not in this stack/);
    });

    it("a peer with different consumers, or none published", () => {
      const p = peer();
      p.stores.functions!.consumers[1].writerOnly = false;
      const found = runStack(lambdaMappingParity, stackInputs("us-east-1"), { peerManifests: [p] });
      assert.deepEqual(messages(found), [
        "Cell prod-use1 and prod-euw1 have different consumers: only here: stream-processor (dynamodb-stream, writer-only); only in prod-euw1: stream-processor (dynamodb-stream, every cell); give every cell the same dr:functions.",
      ]);
      const old = peer();
      delete old.stores.functions;
      const stale = runStack(lambdaMappingParity, stackInputs("us-east-1"), {
        peerManifests: [old],
      });
      assert.equal(stale.length, 1);
      assert.match(stale[0].message, /has no stores.functions .* run 'pulumi up -s prod-euw1'/);
    });
  });
});
