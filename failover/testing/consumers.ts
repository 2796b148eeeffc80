import { DrManifest } from "../../manifest";
import { ConsumerMapping } from "../runbooks/steps/consumers";

/**
 * Manifests with the functions layer's `stores.functions.consumers[]` (the contract in
 * docs/layers/failover-steps.md): per cell a writer-only SQS consumer on the cell's queue and,
 * unless `streams` is false, a stream processor that runs in every cell (no steps for it).
 */
export function withConsumers(
  manifests: DrManifest[],
  o: { streams?: boolean } = {},
): DrManifest[] {
  return manifests.map((m) => {
    const acct = m.stores.queue.queueArn.split(":")[4];
    const fn = (name: string) =>
      `arn:aws:lambda:${m.region}:${acct}:function:${m.app}-${m.cell}-${name}`;
    const consumers: ConsumerMapping[] = [
      {
        name: "queue-consumer",
        functionName: `${m.app}-${m.cell}-queue-consumer`,
        functionArn: fn("queue-consumer"),
        eventSourceMappingUuid: `esm-queue-${m.region}`,
        sourceArn: m.stores.queue.queueArn,
        source: "sqs",
        writerOnly: true,
      },
    ];
    if (o.streams !== false) {
      consumers.push({
        name: "stream-processor",
        functionName: `${m.app}-${m.cell}-stream-processor`,
        functionArn: fn("stream-processor"),
        eventSourceMappingUuid: `esm-stream-${m.region}`,
        sourceArn: `arn:aws:dynamodb:${m.region}:${acct}:table/${m.app}-orders/stream/2026-01-01T00:00:00.000`,
        source: "dynamodb-stream",
        writerOnly: false,
      });
    }
    return { ...m, stores: { ...m.stores, functions: { consumers } } } as DrManifest;
  });
}
