import { strict as assert } from "assert";
import { WorkQueue } from "./queue";
import { named, renderComponent } from "../../testing";

describe("components/queue WorkQueue", () => {
  const identity = { app: "shop", cell: "use1", region: "us-east-1" };

  it("redrives to its dead-letter queue after maxReceiveCount receives", async () => {
    const render = await renderComponent(
      () =>
        new WorkQueue("q", {
          identity,
          kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
          maxReceiveCount: 7,
        }),
    );
    const queue = named(render, "q-queue");
    const dlq = named(render, "q-deadLetterQueue");
    assert.equal(queue.parent, "q");
    assert.deepEqual(JSON.parse(String(queue.inputs.redrivePolicy)), {
      deadLetterTargetArn: dlq.state.arn,
      maxReceiveCount: 7,
    });
    assert.equal(queue.inputs.name, "shop-use1-work");
    assert.equal(queue.inputs.kmsMasterKeyId, "arn:aws:kms:us-east-1:123456789012:key/k");
  });

  it("defaults maxReceiveCount to 5 and visibility to 60 s", async () => {
    const render = await renderComponent(
      () => new WorkQueue("q", { identity, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" }),
    );
    const queue = named(render, "q-queue");
    assert.equal(JSON.parse(String(queue.inputs.redrivePolicy)).maxReceiveCount, 5);
    assert.equal(queue.inputs.visibilityTimeoutSeconds, 60);
  });
});
