import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CellIdentity, cellTags, regionalName } from "../naming";

export interface WorkQueueArgs {
  identity: CellIdentity;
  /** KMS key that encrypts both queues. */
  kmsKeyArn: pulumi.Input<string>;
  /** Receives before a message moves to the dead-letter queue. Defaults to 5. */
  maxReceiveCount?: pulumi.Input<number>;
  /** Defaults to 60 seconds. */
  visibilityTimeoutSeconds?: pulumi.Input<number>;
}

export interface WorkQueueOutputs {
  queue: aws.sqs.Queue;
  deadLetterQueue: aws.sqs.Queue;
}

/**
 * A regional work queue with a dead-letter queue. SQS does not replicate across regions, so
 * each cell has its own; the failover commands drain the source's queue on a switchover.
 */
export function createWorkQueue(
  name: string,
  args: WorkQueueArgs,
  parent: pulumi.Resource,
): WorkQueueOutputs {
  const tags = cellTags(args.identity);
  const deadLetterQueue = new aws.sqs.Queue(
    `${name}-deadLetterQueue`,
    {
      name: regionalName(args.identity, "work-dlq"),
      kmsMasterKeyId: args.kmsKeyArn,
      // 14 days, SQS's maximum: time to inspect failures after an incident.
      messageRetentionSeconds: 1209600,
      tags,
    },
    { parent },
  );
  const queue = new aws.sqs.Queue(
    `${name}-queue`,
    {
      name: regionalName(args.identity, "work"),
      kmsMasterKeyId: args.kmsKeyArn,
      visibilityTimeoutSeconds: args.visibilityTimeoutSeconds ?? 60,
      redrivePolicy: pulumi.jsonStringify({
        deadLetterTargetArn: deadLetterQueue.arn,
        maxReceiveCount: args.maxReceiveCount ?? 5,
      }),
      tags,
    },
    { parent },
  );
  return { queue, deadLetterQueue };
}

/** A cell's work queue and its dead-letter queue. */
export class WorkQueue extends pulumi.ComponentResource {
  readonly queueUrl: pulumi.Output<string>;
  readonly queueArn: pulumi.Output<string>;
  readonly deadLetterQueueArn: pulumi.Output<string>;

  constructor(name: string, args: WorkQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:queue:WorkQueue", name, {}, opts);
    const out = createWorkQueue(name, args, this);
    this.queueUrl = out.queue.url;
    this.queueArn = out.queue.arn;
    this.deadLetterQueueArn = out.deadLetterQueue.arn;
    this.registerOutputs({
      queueUrl: this.queueUrl,
      queueArn: this.queueArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
    });
  }
}
