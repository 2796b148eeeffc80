import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { sqsDeadLetterQueue } from "./deadLetterQueue";

describe("policies/sqs", () => {
  const queue = () => compliant(T.queue, "shop-use1-queue-queue");
  const dlq = () => compliant(T.queue, "shop-use1-queue-deadLetterQueue");

  it("sqs-dead-letter-queue: work queues redrive; the DLQ itself is exempt", () => {
    passes(sqsDeadLetterQueue, queue());
    passes(sqsDeadLetterQueue, dlq());
    fails(
      sqsDeadLetterQueue,
      changed(queue(), "redrivePolicy", undefined),
      /redrivePolicy is not set; set redrivePolicy to \{"deadLetterTargetArn"/,
    );
    fails(
      sqsDeadLetterQueue,
      changed(
        queue(),
        "redrivePolicy",
        JSON.stringify({
          deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq",
          maxReceiveCount: 50,
        }),
      ),
      /maxReceiveCount is 50; set it between 1 and 10/,
    );
    passes(
      sqsDeadLetterQueue,
      changed(
        queue(),
        "redrivePolicy",
        JSON.stringify({
          deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq",
          maxReceiveCount: 50,
        }),
      ),
      { maxReceiveCount: 100 },
    );
  });
});
