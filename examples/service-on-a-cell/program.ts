/**
 * A program of a user's own: it builds a DR cell from the stack's `dr:*` config with the
 * package's RegionalCell, then runs its own service in the cell's EKS cluster with access to
 * the cell's stores. The cell's name, `orders-<cell>`, prefixes the cell's regional resource names.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadDrConfig, MANIFEST_OUTPUT, readPeers, RegionalCell } from "pulumi-multi-region-dr";

export async function ordersProgram(): Promise<Record<string, unknown>> {
  const config = loadDrConfig(pulumi.getStack(), pulumi.runtime.allConfig());
  const peers = await readPeers(config);
  const cell = new RegionalCell(`orders-${config.cell}`, { config, peers });

  // Least privilege: this region's replicas of the cell's tables, and the control table the
  // write-admission library reads (a service must not write while its region is fenced).
  const tableArns = cell.endpoints.apply((e) => [...e.tableArns, e.controlTableArn]);
  const role = new aws.iam.Role("orders-service", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
        },
      ],
    }),
  });
  new aws.iam.RolePolicy("orders-service", {
    role: role.id,
    policy: tableArns.apply((arns) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            Resource: arns,
          },
        ],
      }),
    ),
  });

  const provider = cell.parts.compute.kubernetesProvider;
  const namespace = new k8s.core.v1.Namespace(
    "orders",
    { metadata: { name: "orders" } },
    { provider },
  );
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    "orders",
    { metadata: { name: "orders", namespace: namespace.metadata.name } },
    { provider },
  );
  new aws.eks.PodIdentityAssociation("orders-service", {
    clusterName: cell.clusterName,
    namespace: namespace.metadata.name,
    serviceAccount: serviceAccount.metadata.name,
    roleArn: role.arn,
  });

  const labels = { app: "orders" };
  const env = cell.endpoints.apply((e) => [
    { name: "AWS_REGION", value: config.region },
    { name: "DR_HOME_REGION", value: config.homeRegion },
    { name: "DR_PEERS", value: config.peers.map((p) => p.region).join(",") },
    { name: "DR_CONTROL_TABLE", value: e.controlTableName },
    { name: "ORDERS_TABLE", value: e.tableNames[0] },
    { name: "DATABASE_HOST", value: e.auroraProxy },
    { name: "CACHE_HOST", value: e.cachePrimary },
  ]);
  new k8s.apps.v1.Deployment(
    "orders",
    {
      metadata: { name: "orders", namespace: namespace.metadata.name, labels },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            containers: [
              {
                name: "orders",
                image: "public.ecr.aws/docker/library/node:22-alpine",
                command: ["node", "server.js"],
                env,
              },
            ],
          },
        },
      },
    },
    { provider },
  );

  return { [MANIFEST_OUTPUT]: cell.manifest };
}
