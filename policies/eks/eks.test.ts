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
  const TG_ARN =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-use1-tg/0123456789abcdef";

  /** The cell's Route 53 HTTPS check (fixture names belong to the traffic render). */
  const httpsCheck = (inputs: PolicyInput[]): PolicyInput => {
    const found = inputs.filter((i) => i.type === T.healthCheck && i.props.type === "HTTPS");
    assert.equal(found.length, 1, "one HTTPS check per cell");
    return found[0];
  };

  /** The compliant cell plus its IP target group and the binding CellCompute's workload adds. */
  function cell(mutate?: (inputs: PolicyInput[]) => void): PolicyInput[] {
    return stackInputs("us-east-1", (inputs) => {
      const path = httpsCheck(inputs).props.resourcePath;
      inputs.push(
        {
          type: LB.targetGroup,
          name: "shop-compute-targetGroup",
          props: {
            arn: TG_ARN,
            targetType: "ip",
            protocol: "HTTP",
            port: 8080,
            healthCheck: { enabled: true, path, matcher: "200" },
          },
        },
        {
          type: LB.targetGroupBinding,
          name: "shop-compute-workload-targetGroupBinding",
          props: {
            apiVersion: "elbv2.k8s.aws/v1beta1",
            kind: "TargetGroupBinding",
            metadata: { name: "cell", namespace: "dr-cell" },
            spec: {
              serviceRef: { name: "cell", port: 8080 },
              targetGroupARN: TG_ARN,
              targetType: "ip",
            },
          },
        },
      );
      mutate?.(inputs);
    });
  }

  it("eks-target-group-binding: passes a bound group, fails one whose binding names another", () => {
    assert.deepEqual(runStack(eksTargetGroupBinding, cell()), []);
    const found = runStack(
      eksTargetGroupBinding,
      cell((i) => {
        const spec = find(i, LB.targetGroupBinding).props.spec as Record<string, unknown>;
        spec.targetGroupARN = TG_ARN.replace("0123456789abcdef", "fedcba9876543210");
      }),
    );
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(found[0].message, /IP target group .* has no TargetGroupBinding; add one/);
    assert.match(found[0].message, new RegExp(`spec.targetGroupARN ${TG_ARN}`));
    assert.equal(found[0].resource, `${LB.targetGroup}::shop-compute-targetGroup`);
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
