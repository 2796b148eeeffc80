import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policyResources, runResourcePolicy, runStackPolicy } from "./run";

// Stand-ins for SDK resource classes: the analyzer matches on their static __pulumiType.
class Bucket {
  static __pulumiType = "aws:s3/bucket:Bucket";
}
class Queue {
  static __pulumiType = "aws:sqs/queue:Queue";
}

describe("policies/run (the engine-less harness)", () => {
  const bucket = { type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: "b" } };

  it("isType and asType honour the class they are given (the public harnesses' bug)", () => {
    const seen: unknown[] = [];
    const policy: ResourceValidationPolicy = {
      name: "probe",
      description: "probe",
      validateResource: (args) => {
        seen.push(
          args.isType(Bucket as never),
          args.isType(Queue as never),
          args.asType(Queue as never),
        );
      },
    };
    runResourcePolicy(policy, bucket);
    assert.deepEqual(seen, [true, false, undefined]);
  });

  it("treats notApplicable as a pass and refuses asynchronous policies", () => {
    const skip: ResourceValidationPolicy = {
      name: "skip",
      description: "skip",
      validateResource: (args, report) => {
        args.notApplicable("not mine");
        report("unreachable");
      },
    };
    assert.deepEqual(runResourcePolicy(skip, bucket), []);
    const slow: StackValidationPolicy = {
      name: "slow",
      description: "slow",
      validateStack: async () => undefined,
    };
    assert.throws(
      () => runStackPolicy(slow, []),
      /Policy slow returned a promise; policies in this pack must be synchronous/,
    );
  });

  it("links parents by name and passes options through", () => {
    const resources = policyResources(
      [
        { type: "dr:x:Parent", name: "p", props: {} },
        { ...bucket, parent: "p", protect: true, ignoreChanges: ["tags"] },
      ],
      ["urn:p", "urn:b"],
    );
    assert.equal(resources[1].parent, resources[0]);
    assert.deepEqual(
      [resources[1].opts.protect, resources[1].opts.ignoreChanges],
      [true, ["tags"]],
    );
  });
});
