import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AdapterError, SqsAdapter } from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

/** SQS names a missing queue in its own way; the runbooks see `not-found`. */
const MISSING_QUEUE = new Set(["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"]);

/** Queue depth from GetQueueAttributes (the drain before a switchover reads nothing else). */
export function awsSqs(settings: ClientSettings = {}): SqsAdapter {
  // The call goes to the region named, through the client's own endpoint (the emulator's in the
  // wire tests), never to the host in the queue URL.
  const client = perRegion(
    (region) => new SQSClient({ ...clientConfig(region, settings), useQueueUrlAsEndpoint: false }),
  );
  return {
    async queueDepth(region, queueUrl) {
      const out = await call(settings, "SQS", "GetQueueAttributes", region, (o) =>
        client(region).send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: [
              "ApproximateNumberOfMessages",
              "ApproximateNumberOfMessagesNotVisible",
              "ApproximateNumberOfMessagesDelayed",
            ],
          }),
          o,
        ),
      ).catch((e: unknown) => {
        if (e instanceof AdapterError && e.awsName && MISSING_QUEUE.has(e.awsName)) {
          throw new AdapterError(
            "not-found",
            "SQS",
            "GetQueueAttributes",
            region,
            e.message,
            e.awsName,
            { cause: e },
          );
        }
        throw e;
      });
      const n = (k: string) => Number(out.Attributes?.[k as keyof typeof out.Attributes] ?? 0);
      return {
        visible: n("ApproximateNumberOfMessages"),
        notVisible: n("ApproximateNumberOfMessagesNotVisible"),
        delayed: n("ApproximateNumberOfMessagesDelayed"),
      };
    },
  };
}
