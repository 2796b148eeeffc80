/**
 * A kubeconfig for the cell's cluster whose credentials come from `aws eks get-token` at each
 * call: nothing secret is stored in the state, and the token is that of whoever runs
 * `pulumi up` (the cluster creator's bootstrap admin access, or an access entry of
 * dr:eks.adminRoleArns). The AWS CLI must be on the PATH where `pulumi up` runs.
 */
export function execKubeconfig(opts: {
  clusterName: string;
  endpoint: string;
  certificateAuthorityData: string;
  region: string;
  /** The AWS CLI profile the Pulumi AWS provider uses (aws:profile), if any. */
  profile?: string;
}): string {
  const { clusterName, endpoint, certificateAuthorityData, region, profile } = opts;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: clusterName,
        cluster: { server: endpoint, "certificate-authority-data": certificateAuthorityData },
      },
    ],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            // --region pins the token to the cell's region whatever the caller's default is.
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              clusterName,
              "--region",
              region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
            ...(profile ? { env: [{ name: "AWS_PROFILE", value: profile }] } : {}),
          },
        },
      },
    ],
  });
}
