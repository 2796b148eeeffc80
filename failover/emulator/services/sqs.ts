import { JsonObject, jsonCodec } from "../protocols/json";
import { defineService, WireFault } from "../wire";

/**
 * SQS: GetQueueAttributes' approximate counts (the drain before a switchover), awsJson1_0 and
 * awsQuery-compatible as the SDK speaks it, from the simulator's consumer model.
 */
export const sqs = defineService<JsonObject, JsonObject>({
  name: "sqs",
  codec: jsonCodec({
    targetPrefix: "AmazonSQS",
    errorNamespace: "com.amazonaws.sqs",
    queryCompatible: true,
  }),
  throttle: { code: "RequestThrottled", status: 400 },
  errors: {
    QueueDoesNotExist: { status: 400 },
    InvalidAttributeName: { status: 400 },
    InternalError: { status: 500 },
    InternalFailure: { code: "InternalError", status: 500 },
  },
  operations: {
    async GetQueueAttributes(input, ctx) {
      if (typeof input.QueueUrl !== "string") {
        throw new WireFault("MissingParameter", "The request must contain QueueUrl.", 400);
      }
      const d = await ctx.adapters.sqs.queueDepth(ctx.region, input.QueueUrl);
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(d.visible),
          ApproximateNumberOfMessagesNotVisible: String(d.notVisible),
          ApproximateNumberOfMessagesDelayed: String(d.delayed),
        },
      };
    },
  },
});
