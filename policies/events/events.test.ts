import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, find, passes, runStack, stackInputs } from "../testing/expect";
import { STACK_TYPE } from "../lib/policy";
import { T } from "../lib/types";
import { firehoseLakeReplicated } from "./firehoseLakeReplicated";
import { stepFunctionsLogging } from "./stepfunctionsLogging";
import { eventbridgeTargetDeadLetter } from "./eventbridgeTargetDeadLetter";
import { eventsTopicEncrypted } from "./topicEncrypted";

describe("policies/events", () => {
  it("stepfunctions-logging: logs at a level with a destination, and traces", () => {
    const sm = () => compliant(T.stateMachine);
    passes(stepFunctionsLogging, sm());
    fails(
      stepFunctionsLogging,
      changed(sm(), "loggingConfiguration.level", "OFF"),
      /loggingConfiguration\.level is "OFF"; set it to "ALL" or "ERROR"/,
    );
    fails(
      stepFunctionsLogging,
      changed(sm(), "loggingConfiguration", undefined),
      /loggingConfiguration\.level is not set/,
    );
    fails(
      stepFunctionsLogging,
      changed(sm(), "loggingConfiguration.logDestination", undefined),
      /logDestination is not set/,
    );
    fails(
      stepFunctionsLogging,
      changed(sm(), "tracingConfiguration.enabled", false),
      /tracingConfiguration\.enabled is false; set it to true/,
    );
  });

  it("eventbridge-target-dead-letter: every rule target has a DLQ", () => {
    const target = () => compliant(T.eventTarget);
    passes(eventbridgeTargetDeadLetter, target());
    fails(
      eventbridgeTargetDeadLetter,
      changed(target(), "deadLetterConfig", undefined),
      /deadLetterConfig\.arn is not set; set deadLetterConfig to \{ arn: <SQS queue ARN> \}/,
    );
  });

  it("events-topic-encrypted: the events component's topic has a KMS key; other topics are out of scope", () => {
    for (const region of ["us-east-1", "eu-west-1"] as const) {
      assert.deepEqual(runStack(eventsTopicEncrypted, stackInputs(region)), []);
    }
    const plain = stackInputs("eu-west-1", (inputs) => {
      delete find(inputs, T.snsTopic, "shop-euw1-events-topic").props.kmsMasterKeyId;
    });
    assert.deepEqual(runStack(eventsTopicEncrypted, plain), [
      {
        message:
          "Topic shop-euw1-events of shop-euw1-events has no kmsMasterKeyId; set it to the cell's KMS key ARN.",
        resource: `${T.snsTopic}::shop-euw1-events-topic`,
      },
    ]);
    // The same topic outside the events component (an alarm topic) is not this policy's.
    const alarm = stackInputs("eu-west-1", (inputs) => {
      const t = find(inputs, T.snsTopic, "shop-euw1-events-topic");
      delete t.props.kmsMasterKeyId;
      t.parent = undefined;
    });
    assert.deepEqual(runStack(eventsTopicEncrypted, alarm), []);
  });

  it("firehose-lake-replicated: the lake is this stack's bucket, and that bucket replicates", () => {
    for (const region of ["us-east-1", "eu-west-1"] as const) {
      assert.deepEqual(runStack(firehoseLakeReplicated, stackInputs(region)), []);
    }
    const unreplicated = stackInputs("eu-west-1", (inputs) => {
      inputs.splice(inputs.indexOf(find(inputs, T.bucketReplication)), 1);
    });
    assert.deepEqual(runStack(firehoseLakeReplicated, unreplicated), [
      {
        message:
          "delivers to bucket shop-euw1-bucket-bucket-78f988a, which has no aws.s3.BucketReplicationConfig; deliver to the cell's replicated bucket, or add replication to the peer cells' buckets.",
        resource: `${T.firehose}::shop-euw1-events-firehose`,
      },
    ]);
    const elsewhere = stackInputs("eu-west-1", (inputs) => {
      const fh = find(inputs, T.firehose);
      (fh.props.extendedS3Configuration as Record<string, unknown>).bucketArn =
        "arn:aws:s3:::someone-elses-bucket";
    });
    assert.deepEqual(
      runStack(firehoseLakeReplicated, elsewhere).map((f) => f.message),
      [
        "extendedS3Configuration.bucketArn arn:aws:s3:::someone-elses-bucket is no bucket of this stack; deliver to the cell's replicated bucket (components/storage ReplicatedBucket).",
      ],
    );
    // A first deploy (S3 replication deferred in the manifest) is dr-deferred-replication's.
    const firstDeploy = stackInputs("eu-west-1", (inputs) => {
      inputs.splice(inputs.indexOf(find(inputs, T.bucketReplication)), 1);
      const stack = find(inputs, STACK_TYPE);
      const m = stack.props.drManifest as { deferred: string[] };
      m.deferred = [
        "S3 replication to the bucket of prod-use1 (after 'pulumi up -s prod-use1', run 'pulumi up -s prod-euw1' again)",
      ];
    });
    assert.deepEqual(runStack(firehoseLakeReplicated, firstDeploy), []);
  });
});
