import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, find, passes, runStack, stackInputs } from "../testing/expect";
import type { PolicyInput } from "../run";
import { renderStack } from "../../plan/stack";
import { eksHealthPathMatchesRoute53 } from "./healthPathMatchesRoute53";
import { eksTargetGroupBinding } from "./targetGroupBinding";
import { LB } from "./workloadTypes";
import { T } from "../lib/types";
import { eksControlPlaneLogging } from "./controlPlaneLogging";
import { eksPrivateEndpoint } from "./privateEndpoint";

describe("policies/eks", () => {
  it("eks-control-plane-logging and eks-private-endpoint: the component's inputs and the AWS cluster", () => {
    const eks = compliant(T.eksComponent);
    passes(eksControlPlaneLogging, eks);
    passes(eksPrivateEndpoint, eks);
    fails(
      eksControlPlaneLogging,
      changed(eks, "enabledClusterLogTypes", ["api"]),
      /enabledClusterLogTypes lacks audit, authenticator; add them/,
    );
    fails(
      eksPrivateEndpoint,
      changed(eks, "endpointPrivateAccess", false),
      /endpointPrivateAccess is false; set it to true/,
    );
    const awsCluster = {
      type: T.eksCluster,
      name: "shop-eks-eksCluster",
      props: {
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        vpcConfig: { endpointPrivateAccess: true, subnetIds: [] },
      },
    };
    passes(eksPrivateEndpoint, awsCluster);
    fails(
      eksPrivateEndpoint,
      changed(awsCluster, "vpcConfig.endpointPrivateAccess", undefined),
      /vpcConfig\.endpointPrivateAccess is not set/,
    );
    fails(eksControlPlaneLogging, awsCluster, /lacks scheduler/, {
      requiredLogTypes: ["api", "scheduler"],
    });
  });
});

describe("policies/eks: the cell's load balancing path", () => {
  const TG_ARN = String(find(stackInputs("us-east-1"), LB.targetGroup).props.arn);

  /** The cell's Route 53 HTTPS check (fixture names belong to the traffic render). */
  const httpsCheck = (inputs: PolicyInput[]): PolicyInput => {
    // CellTraffic's check of the cell's endpoint (the API has an HTTPS check of its own).
    const found = inputs.filter(
      (i) =>
        i.type === T.healthCheck &&
        i.props.type === "HTTPS" &&
        i.name.endsWith("-traffic-httpsHealthCheck"),
    );
    assert.equal(found.length, 1, "one CellTraffic HTTPS check per cell");
    return found[0];
  };

  /** The compliant home cell: CellCompute renders the IP target group and its binding. */
  const cell = (mutate?: (inputs: PolicyInput[]) => void): PolicyInput[] =>
    stackInputs("us-east-1", mutate);

  it("eks-target-group-binding: passes a bound group, fails one whose binding names another", () => {
    assert.deepEqual(runStack(eksTargetGroupBinding, cell()), []);
    const found = runStack(
      eksTargetGroupBinding,
      cell((i) => {
        const spec = find(i, LB.targetGroupBinding).props.spec as Record<string, unknown>;
        spec.targetGroupARN = `${TG_ARN.slice(0, -4)}beef`;
      }),
    );
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(found[0].message, /IP target group .* has no TargetGroupBinding; add one/);
    assert.match(found[0].message, new RegExp(`spec.targetGroupARN ${TG_ARN}`));
    assert.equal(found[0].resource, `${LB.targetGroup}::shop-use1-compute-targetGroup`);
  });

  it("eks-target-group-binding: an instance target group needs none; an unbound IP group fails", () => {
    const instance = cell((i) => {
      find(i, LB.targetGroup).props.targetType = "instance";
      i.splice(i.indexOf(find(i, LB.targetGroupBinding)), 1);
    });
    assert.deepEqual(runStack(eksTargetGroupBinding, instance), []);
    const unbound = runStack(
      eksTargetGroupBinding,
      cell((i) => i.splice(i.indexOf(find(i, LB.targetGroupBinding)), 1)),
    );
    assert.equal(unbound.length, 1);
  });

  it("eks-health-path-matches-route53: passes one path, fails a Route 53 check on another", () => {
    assert.deepEqual(runStack(eksHealthPathMatchesRoute53, cell()), []);
    const found = runStack(
      eksHealthPathMatchesRoute53,
      cell((i) => {
        httpsCheck(i).props.resourcePath = "/deep/health";
      }),
    );
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(
      found[0].message,
      /requests "\/deep\/health" but target group .* checks the pods on "\/healthz"; set dr:dns.healthCheckPath once/,
    );
    assert.match(found[0].resource ?? "", new RegExp(`^${T.healthCheck}::`));
    // The same one field changed on the other side.
    const groupSide = runStack(
      eksHealthPathMatchesRoute53,
      cell((i) => {
        (find(i, LB.targetGroup).props.healthCheck as Record<string, unknown>).path = "/ping";
      }),
    );
    assert.equal(groupSide.length, 1);
  });

  it("both hold on the offline render of a real cell", async () => {
    const render = await renderStack("prod-use1");
    const inputs: PolicyInput[] = render.resources.map((r) => ({
      type: r.type,
      name: r.name,
      props: r.state,
    }));
    assert.ok(inputs.some((i) => i.type === LB.targetGroupBinding));
    // Not vacuous: the render has the check and the group the policies compare.
    const group = inputs.find((i) => i.type === LB.targetGroup)!;
    assert.equal(
      httpsCheck(inputs).props.resourcePath,
      (group.props.healthCheck as { path: string }).path,
    );
    assert.deepEqual(runStack(eksTargetGroupBinding, inputs), []);
    assert.deepEqual(runStack(eksHealthPathMatchesRoute53, inputs), []);
  });
});
