import { strict as assert } from "assert";
import { computedOutputs, mergeOutputTables } from "./index";

describe("plan/mocks: computed outputs of the offline render", () => {
  it("refuses a type that two area tables both define", () => {
    const t = { "aws:iam/role:Role": () => ({}) };
    assert.throws(
      () => mergeOutputTables([t, t]),
      /aws:iam\/role:Role has computed outputs in two tables/,
    );
  });

  it("puts ARNs in the resource's own region, and none for global IAM", () => {
    const table = computedOutputs({
      type: "aws:dynamodb/table:Table",
      name: "t",
      inputs: { name: "shop-orders" },
      region: "eu-west-1",
    });
    assert.equal(table.state.arn, "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-orders");
    const role = computedOutputs({
      type: "aws:iam/role:Role",
      name: "r",
      inputs: {},
      region: "eu-west-1",
    });
    assert.equal(role.state.arn, "arn:aws:iam::123456789012:role/r");
  });

  it("derives an id and ARN for types without an entry", () => {
    const out = computedOutputs({
      type: "aws:sns/topicPolicy:TopicPolicy",
      name: "p",
      inputs: {},
      region: "us-east-1",
    });
    assert.equal(out.id, "p");
    assert.equal(out.state.arn, "arn:aws:sns:us-east-1:123456789012:topicpolicy/p");
  });
});
