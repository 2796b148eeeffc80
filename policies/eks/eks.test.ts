import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
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
