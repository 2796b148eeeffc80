import { strict as assert } from "assert";
import { sampleManifest } from "../../manifest/sample";
import { withConsumers } from "../testing/consumers";
import { ACTION_FOR_COMMAND, operatorPolicyDocument } from "./policy";

describe("operator IAM policy", () => {
  // With the functions layer's consumers, so the Lambda and SQS grants are checked too.
  const manifests = withConsumers([sampleManifest("us-east-1"), sampleManifest("eu-west-1")]);
  const doc = operatorPolicyDocument(manifests);
  const actions = doc.Statement.flatMap((s) => s.Action);
  const statement = (action: string) => doc.Statement.find((s) => s.Action.includes(action))!;

  it("grants every action the adapters use (ARC only with ARC cells)", () => {
    for (const action of Object.values(ACTION_FOR_COMMAND)) {
      if (action && !action.startsWith("route53-recovery-cluster:")) {
        assert.ok(actions.includes(action), action);
      }
    }
  });

  it("grants nothing on IAM, Route 53 configuration or ARC configuration, and no wildcard actions", () => {
    for (const a of actions) {
      assert.doesNotMatch(
        a,
        /^iam:|^route53:(Change|Create|Delete|Update)|route53-recovery-control-config|\*/,
      );
    }
  });

  it("scopes resources: fences to the control tables' writer/fence items, promotions to these clusters", () => {
    const fences = statement("dynamodb:PutItem");
    assert.deepEqual(fences.Resource, [
      "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dr-control",
      "arn:aws:dynamodb:us-east-1:123456789012:table/shop-dr-control",
    ]);
    assert.deepEqual(fences.Condition, {
      "ForAllValues:StringLike": {
        "dynamodb:LeadingKeys": ["writer", "fence#*", "run", "dr-drain#*"],
      },
    });
    // Application tables: the drain marker's keys only, never application data.
    const markers = doc.Statement.find((s) => s.Sid === "DrainMarkers")!;
    assert.deepEqual(markers.Action, ["dynamodb:GetItem", "dynamodb:PutItem"]);
    assert.ok((markers.Resource as string[]).every((r) => !r.endsWith("shop-dr-control")));
    assert.deepEqual(markers.Condition, {
      "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["dr-drain#*", "-9000000*"] },
    });
    assert.deepEqual(statement("rds:FailoverGlobalCluster").Resource, [
      "arn:aws:rds::123456789012:global-cluster:shop-global",
      "arn:aws:rds:eu-west-1:123456789012:cluster:shop-euw1",
      "arn:aws:rds:us-east-1:123456789012:cluster:shop-use1",
    ]);
    assert.deepEqual(statement("cloudwatch:PutMetricData").Condition, {
      StringEquals: {
        "aws:RequestedRegion": ["eu-west-1", "us-east-1", "us-west-2"],
        "cloudwatch:namespace": ["DR/TrafficSwitch"],
      },
    });
    // Each cell's gate alarm in each gate region: two cells, three gate regions.
    assert.deepEqual(
      [...(statement("cloudwatch:DescribeAlarms").Resource as string[])].sort(),
      ["us-east-1", "eu-west-1"]
        .flatMap((cell) =>
          ["us-east-1", "eu-west-1", "us-west-2"].map(
            (r) => `arn:aws:cloudwatch:${r}:123456789012:alarm:shop-writer-gate-${cell}`,
          ),
        )
        .sort(),
    );
  });

  it("adds the routing-control data plane for ARC cells", () => {
    const arc = manifests.map((m) => ({
      ...m,
      traffic: {
        ...m.traffic,
        switch: {
          type: "arc-routing-control" as const,
          clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/c",
          routingControlArn: `arn:aws:route53-recovery-control::123456789012:controlpanel/p/routingcontrol/${m.cell}`,
          healthCheckId: "hc",
        },
      },
    }));
    const s = operatorPolicyDocument(arc).Statement.find((x) => x.Sid === "RoutingControls")!;
    assert.ok(s.Action.includes("route53-recovery-cluster:UpdateRoutingControlStates"));
    assert.equal((s.Resource as string[]).length, 2);
  });
});
