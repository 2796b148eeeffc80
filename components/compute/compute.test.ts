import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CellCompute, CellComputeArgs, CONTROL_PLANE_LOG_TYPES } from "./compute";
import { outOfBandProperties } from "../switchover/outOfBand";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";

const identity = { app: "shop", cell: "use1", region: "us-east-1" };
const PUBLIC = ["subnet-pub1", "subnet-pub2", "subnet-pub3"];
const PRIVATE = ["subnet-prv1", "subnet-prv2", "subnet-prv3"];
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-4222-8333-444455556666";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";

function baseArgs(overrides: Partial<CellComputeArgs> = {}): CellComputeArgs {
  return {
    identity,
    vpcId: "vpc-0abc",
    publicSubnetIds: PUBLIC,
    privateSubnetIds: PRIVATE,
    vpcCidrBlock: "10.10.0.0/16",
    certificateArn: CERT,
    kmsKeyArn: KEY,
    ...overrides,
  };
}

async function renderCompute(overrides: Partial<CellComputeArgs> = {}, region = "us-east-1") {
  let compute: CellCompute | undefined;
  const render = await renderComponent(
    () => (compute = new CellCompute("compute", baseArgs(overrides))),
    { region },
  );
  return { render, compute: compute! };
}

describe("components/compute CellCompute", () => {
  describe("EKS", () => {
    it("creates a private-endpoint cluster with every log type, KMS secrets and API auth", async () => {
      const { render } = await renderCompute();
      const cluster = oneOf(render, "eks:index:Cluster");
      assert.equal(cluster.name, "compute-cluster");
      const i = cluster.inputs;
      assert.equal(i.name, "shop-use1-eks");
      assert.equal(i.version, "1.33");
      assert.equal(i.vpcId, "vpc-0abc");
      assert.equal(i.endpointPrivateAccess, true);
      assert.equal(i.endpointPublicAccess, false);
      assert.equal(i.publicAccessCidrs, undefined);
      assert.deepEqual(i.enabledClusterLogTypes, [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
      ]);
      assert.equal(CONTROL_PLANE_LOG_TYPES.length, 5);
      assert.equal(i.encryptionConfigKeyArn, KEY);
      assert.equal(i.authenticationMode, "API");
      assert.equal(i.skipDefaultNodeGroup, true);
      // Control-plane ENIs and nodes stay in the private subnets; public ones are the ALB's.
      assert.deepEqual(i.privateSubnetIds, PRIVATE);
      assert.equal(i.publicSubnetIds, undefined);
      assert.equal(i.subnetIds, undefined);
      assert.equal(i.nodeAssociatePublicIpAddress, false);
      assert.equal(i.deletionProtection, true);
      assert.deepEqual(i.tags, { "dr:app": "shop", "dr:cell": "use1", "dr:region": "us-east-1" });
    });

    it("opens a public API endpoint only to the CIDRs given", async () => {
      const { render } = await renderCompute({ publicAccessCidrs: ["203.0.113.0/24"] });
      const i = oneOf(render, "eks:index:Cluster").inputs;
      assert.equal(i.endpointPrivateAccess, true);
      assert.equal(i.endpointPublicAccess, true);
      assert.deepEqual(i.publicAccessCidrs, ["203.0.113.0/24"]);
    });

    it("gives the admin roles cluster-admin through access entries, and no one else by default", async () => {
      const { render: plain } = await renderCompute();
      assert.deepEqual(oneOf(plain, "eks:index:Cluster").inputs.accessEntries, {});
      const oncall = "arn:aws:iam::123456789012:role/dr-oncall";
      const { render } = await renderCompute({ adminRoleArns: [oncall] });
      assert.deepEqual(oneOf(render, "eks:index:Cluster").inputs.accessEntries, {
        admin0: {
          principalArn: oncall,
          accessPolicies: {
            clusterAdmin: {
              policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
              accessScope: { type: "cluster" },
            },
          },
        },
      });
    });

    it("runs a managed node group of the cluster in the private subnets", async () => {
      const { render } = await renderCompute();
      const cluster = oneOf(render, "eks:index:Cluster");
      const eksCluster = cluster.state.eksCluster as { name: string; version: string };
      const group = oneOf(render, "aws:eks/nodeGroup:NodeGroup");
      assert.equal(group.name, "compute-nodes");
      assert.equal(group.parent, "compute");
      assert.equal(group.inputs.clusterName, "shop-use1-eks");
      assert.equal(group.inputs.clusterName, eksCluster.name);
      assert.equal(group.inputs.version, eksCluster.version);
      assert.deepEqual(group.inputs.subnetIds, PRIVATE);
      assert.deepEqual(group.inputs.instanceTypes, ["m7i.large"]);
      assert.equal(group.inputs.amiType, "AL2023_x86_64_STANDARD");
      assert.deepEqual(group.inputs.scalingConfig, { minSize: 2, desiredSize: 3, maxSize: 6 });
      assert.deepEqual(group.inputs.nodeRepairConfig, { enabled: true });

      const role = named(render, "compute-nodeRole");
      assert.equal(group.inputs.nodeRoleArn, role.state.arn);
      const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
      assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
      const attached = byType(render, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      assert.deepEqual(attached.map((a) => a.inputs.policyArn).sort(), [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      ]);
      attached.forEach((a) => assert.equal(a.inputs.role, role.state.name));
    });

    it("keeps a failover's scale-up: the desired size is ignored after creation", async () => {
      const { render } = await renderCompute();
      const group = oneOf(render, "aws:eks/nodeGroup:NodeGroup");
      assert.deepEqual(group.ignoreChanges, ["scalingConfig.desiredSize"]);
      assert.deepEqual(group.ignoreChanges, outOfBandProperties("aws:eks/nodeGroup:NodeGroup"));
      assert.equal(group.protect, false);
    });

    it("launches nodes with IMDSv2 only and an encrypted root volume", async () => {
      const { render } = await renderCompute();
      const group = oneOf(render, "aws:eks/nodeGroup:NodeGroup");
      const template = named(render, "compute-nodeLaunchTemplate");
      assert.deepEqual(group.inputs.launchTemplate, { id: template.id, version: "1" });
      const metadata = template.inputs.metadataOptions as Record<string, unknown>;
      assert.equal(metadata.httpTokens, "required");
      assert.equal(metadata.httpPutResponseHopLimit, 2);
      const [root] = template.inputs.blockDeviceMappings as Array<{ ebs: Record<string, unknown> }>;
      assert.equal(root.ebs.encrypted, "true");
      // No security group: EKS then uses the cluster security group the pod rule opens.
      assert.equal(template.inputs.vpcSecurityGroupIds, undefined);
      assert.equal(template.inputs.networkInterfaces, undefined);
    });

    it("passes the version, instance type and node counts through", async () => {
      const { render } = await renderCompute({
        kubernetesVersion: "1.32",
        instanceType: "c7i.xlarge",
        minNodes: 3,
        desiredNodes: 4,
        maxNodes: 9,
      });
      assert.equal(oneOf(render, "eks:index:Cluster").inputs.version, "1.32");
      const group = oneOf(render, "aws:eks/nodeGroup:NodeGroup");
      assert.deepEqual(group.inputs.instanceTypes, ["c7i.xlarge"]);
      assert.equal(group.inputs.amiType, "AL2023_x86_64_STANDARD");
      assert.deepEqual(group.inputs.scalingConfig, { minSize: 3, desiredSize: 4, maxSize: 9 });
    });
  });

  describe("load balancer", () => {
    it("is an internet-facing ALB in the public subnets, dropping invalid headers, protected", async () => {
      const { render } = await renderCompute();
      const lb = oneOf(render, "aws:lb/loadBalancer:LoadBalancer");
      const sg = named(render, "compute-loadBalancerSecurityGroup");
      assert.equal(lb.name, "compute-loadBalancer");
      assert.equal(lb.parent, "compute");
      assert.equal(lb.inputs.name, "shop-use1-alb");
      assert.equal(lb.inputs.loadBalancerType, "application");
      assert.equal(lb.inputs.internal, false);
      assert.deepEqual(lb.inputs.subnets, PUBLIC);
      assert.deepEqual(lb.inputs.securityGroups, [sg.id]);
      assert.equal(lb.inputs.dropInvalidHeaderFields, true);
      assert.equal(lb.inputs.enableDeletionProtection, true);
      assert.equal(sg.inputs.vpcId, "vpc-0abc");
    });

    it("admits 443 (and 80 for the redirect) from anywhere and sends only to the pod port in the VPC", async () => {
      const { render } = await renderCompute();
      const sg = named(render, "compute-loadBalancerSecurityGroup");
      const ingress = byType(render, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs.securityGroupId === sg.id)
        .map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.ipProtocol, r.inputs.cidrIpv4]);
      assert.deepEqual(ingress.sort(), [
        [443, 443, "tcp", "0.0.0.0/0"],
        [80, 80, "tcp", "0.0.0.0/0"],
      ]);
      const egress = byType(render, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
      assert.equal(egress.length, 1);
      assert.equal(egress[0].inputs.securityGroupId, sg.id);
      assert.equal(egress[0].inputs.cidrIpv4, "10.10.0.0/16");
      assert.equal(egress[0].inputs.fromPort, 8080);
      assert.equal(egress[0].inputs.toPort, 8080);
    });

    it("lets the ALB reach the pods through the security group EKS puts the nodes in", async () => {
      const { render } = await renderCompute();
      const sg = named(render, "compute-loadBalancerSecurityGroup");
      const rule = named(render, "compute-podIngress");
      const cluster = oneOf(render, "eks:index:Cluster");
      const eksCluster = cluster.state.eksCluster as {
        vpcConfig: { clusterSecurityGroupId: string };
      };
      assert.equal(rule.inputs.securityGroupId, eksCluster.vpcConfig.clusterSecurityGroupId);
      assert.equal(rule.inputs.referencedSecurityGroupId, sg.id);
      assert.equal(rule.inputs.fromPort, 8080);
      assert.equal(rule.inputs.cidrIpv4, undefined);
    });

    it("forwards HTTP to pod IPs on 8080, health-checked on the health path", async () => {
      const { render } = await renderCompute({ healthCheckPath: "/ready" });
      const tg = oneOf(render, "aws:lb/targetGroup:TargetGroup");
      assert.equal(tg.inputs.targetType, "ip");
      assert.equal(tg.inputs.protocol, "HTTP");
      assert.equal(tg.inputs.port, 8080);
      assert.equal(tg.inputs.vpcId, "vpc-0abc");
      const hc = tg.inputs.healthCheck as Record<string, unknown>;
      assert.equal(hc.path, "/ready");
      assert.equal(hc.protocol, "HTTP");
      assert.equal(hc.port, "traffic-port");
      assert.equal(hc.enabled, true);
    });

    it("defaults the health path to /healthz", async () => {
      const { render } = await renderCompute();
      const tg = oneOf(render, "aws:lb/targetGroup:TargetGroup");
      assert.equal((tg.inputs.healthCheck as Record<string, unknown>).path, "/healthz");
    });

    it("terminates TLS 1.3 on 443 with the certificate and redirects 80 to HTTPS", async () => {
      const { render } = await renderCompute();
      const lb = oneOf(render, "aws:lb/loadBalancer:LoadBalancer");
      const tg = oneOf(render, "aws:lb/targetGroup:TargetGroup");
      const https = named(render, "compute-httpsListener");
      assert.equal(https.inputs.loadBalancerArn, lb.state.arn);
      assert.equal(https.inputs.port, 443);
      assert.equal(https.inputs.protocol, "HTTPS");
      assert.equal(https.inputs.certificateArn, CERT);
      assert.match(String(https.inputs.sslPolicy), /^ELBSecurityPolicy-TLS13-/);
      assert.deepEqual(https.inputs.defaultActions, [
        { type: "forward", targetGroupArn: tg.state.arn },
      ]);
      const http = named(render, "compute-httpListener");
      assert.equal(http.inputs.loadBalancerArn, lb.state.arn);
      assert.equal(http.inputs.port, 80);
      assert.equal(http.inputs.protocol, "HTTP");
      assert.deepEqual(http.inputs.defaultActions, [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
      assert.equal(byType(render, "aws:lb/listener:Listener").length, 2);
    });

    it("fits a long app and cell name into the ALB's 32 characters", async () => {
      const { render } = await renderCompute({
        identity: { app: "payments-platform-eu", cell: "primary-west", region: "us-east-1" },
      });
      const name = String(oneOf(render, "aws:lb/loadBalancer:LoadBalancer").inputs.name);
      assert.ok(name.length <= 32, name);
      assert.match(name, /^payments-platform-eu-pri-[0-9a-z]{7}$/);
    });
  });

  it("outputs the cluster name and the ALB's ARN, ARN suffix, DNS name and zone", async () => {
    const { render, compute } = await renderCompute();
    const lb = oneOf(render, "aws:lb/loadBalancer:LoadBalancer");
    const tg = oneOf(render, "aws:lb/targetGroup:TargetGroup");
    const https = named(render, "compute-httpsListener");
    assert.equal(await promiseOf(compute.clusterName), "shop-use1-eks");
    const arn = await promiseOf(compute.loadBalancerArn);
    assert.equal(arn, lb.state.arn);
    const suffix = await promiseOf(compute.loadBalancerArnSuffix);
    assert.match(suffix, /^app\/shop-use1-alb\/[0-9a-f]{16}$/);
    assert.ok(arn.endsWith(`:loadbalancer/${suffix}`), "the suffix is the ARN's tail");
    assert.match(
      await promiseOf(compute.loadBalancerDnsName),
      /^shop-use1-alb-\d+\.us-east-1\.elb\.amazonaws\.com$/,
    );
    assert.equal(await promiseOf(compute.loadBalancerZoneId), "Z35SXDOTRQ7X7K");
    assert.equal(await promiseOf(compute.targetGroupArn), tg.state.arn);
    assert.match(await promiseOf(compute.targetGroupArnSuffix), /^targetgroup\//);
    assert.equal(await promiseOf(compute.httpsListenerArn), https.state.arn);
  });

  it("renders the same shape in eu-west-1 with that region's certificate and key", async () => {
    const { compute } = await renderCompute(
      {
        identity: { app: "shop", cell: "euw1", region: "eu-west-1" },
        certificateArn: CERT.replace("us-east-1", "eu-west-1"),
        kmsKeyArn: KEY.replace("us-east-1", "eu-west-1"),
      },
      "eu-west-1",
    );
    assert.equal(await promiseOf(compute.clusterName), "shop-euw1-eks");
    assert.equal(await promiseOf(compute.loadBalancerZoneId), "Z32O12XQLNTSW2");
  });

  it("renders identical cells: only region-specific values differ between regions", async () => {
    const shape = async (region: string, cell: string) => {
      const { render } = await renderCompute(
        {
          identity: { app: "shop", cell, region },
          certificateArn: CERT.replace("us-east-1", region),
          kmsKeyArn: KEY.replace("us-east-1", region),
        },
        region,
      );
      // Strip what is region-specific by nature, then compare everything else.
      const normalise = (text: string) =>
        text
          .split(region)
          .join("<region>")
          .replace(new RegExp(`\\b${cell}\\b`, "g"), "<cell>");
      return render.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent,
        ignoreChanges: r.ignoreChanges,
        inputs: JSON.parse(normalise(JSON.stringify(r.inputs))),
      }));
    };
    const use1 = await shape("us-east-1", "use1");
    const euw1 = await shape("eu-west-1", "euw1");
    // Ids and ARNs are computed from names, which include the cell: compare their shapes.
    const idless = (rs: typeof use1) =>
      JSON.parse(
        JSON.stringify(rs)
          .replace(/(sg|lt)-[0-9a-f]{17}/g, "$1-<id>")
          .replace(/\/[0-9a-f]{16}/g, "/<id>")
          // The cluster's endpoint and CA bundle (in the kubeconfig) are EKS's per cluster.
          .replace(/https:\/\/[0-9A-F]{32}\./g, "https://<id>.")
          .replace(/LS0t[A-Za-z0-9+/=]+/g, "<ca>"),
      );
    assert.deepEqual(idless(euw1), idless(use1));
  });

  describe("rejects bad arguments, naming the field and the fix", () => {
    const cases: Array<[string, Partial<CellComputeArgs>, string, RegExp]> = [
      [
        "a patch-level Kubernetes version",
        { kubernetesVersion: "1.33.1" },
        "kubernetesVersion",
        /"1\.33"/,
      ],
      ["an instance type without a size", { instanceType: "large" }, "instanceType", /m7i\.large/],
      ["zero nodes", { minNodes: 0 }, "minNodes", /at least one node/],
      ["a fractional node count", { maxNodes: 2.5 }, "maxNodes", /whole number/],
      ["a relative health path", { healthCheckPath: "healthz" }, "healthCheckPath", /\/healthz/],
      [
        "a certificate from another region",
        { certificateArn: CERT.replace("us-east-1", "eu-west-1") },
        "certificateArn",
        /in eu-west-1 but this cell is in us-east-1/,
      ],
      ["a key ARN that is not KMS", { kmsKeyArn: CERT }, "kmsKeyArn", /not a KMS key ARN/],
      [
        "a key from another region",
        { kmsKeyArn: KEY.replace("us-east-1", "us-west-2") },
        "kmsKeyArn",
        /Use the one in us-east-1/,
      ],
      [
        "a public API open to the internet",
        { publicAccessCidrs: ["0.0.0.0/0"] },
        "publicAccessCidrs[0]",
        /whole internet.*allowApiFromAnywhere: true/,
      ],
      [
        "a private block in the public allow-list",
        { publicAccessCidrs: ["203.0.113.0/24", "10.20.0.0/16"] },
        "publicAccessCidrs[1]",
        /private block: callers inside the VPC/,
      ],
      ["a single cell service pod", { cellServiceReplicas: 1 }, "replicas", /from 2 to 50/],
      [
        "a floating cell service image",
        { cellServiceImage: "public.ecr.aws/nginx/nginx-unprivileged:latest" },
        "image",
        /floats; pin a version tag or a digest/,
      ],
      [
        "an untagged cell service image",
        { cellServiceImage: "public.ecr.aws/nginx/nginx-unprivileged" },
        "image",
        /not an image reference pinned by tag or digest/,
      ],
      [
        "a chart version range",
        { loadBalancerControllerChartVersion: "3.x" },
        "controllerChartVersion",
        /exact chart version/,
      ],
      [
        "a malformed public CIDR",
        { publicAccessCidrs: ["10.0.0.1/33"] },
        "publicAccessCidrs[0]",
        /IPv4 CIDR/,
      ],
      ["one public subnet", { publicSubnetIds: ["subnet-1"] }, "publicSubnetIds", /two AZs/],
      ["a VPC CIDR that is not one", { vpcCidrBlock: "10.10.0.0" }, "vpcCidrBlock", /cidrBlock/],
      [
        "an admin that is not a role",
        { adminRoleArns: ["arn:aws:iam::123456789012:user/alice"] },
        "adminRoleArns[0]",
        /IAM role ARN/,
      ],
      ["a target port out of range", { targetPort: 70000 }, "targetPort", /1-65535/],
    ];
    for (const [label, overrides, path, reason] of cases) {
      it(label, async () => {
        await assert.rejects(renderCompute(overrides), (err: unknown) => {
          assert.ok(pulumi.InputPropertyError.isInstance(err), String(err));
          assert.equal(err.propertyPath, path);
          assert.match(err.reason, reason);
          return true;
        });
      });
    }

    it("node counts that arrive as Outputs out of order fail the node group, naming all three", async () => {
      // The workload waits on the node group, so the failure now also fails the render.
      const outcome = await renderCompute({
        minNodes: pulumi.output(5),
        maxNodes: pulumi.output(3),
      }).then(
        ({ render }) => render.logs.map((l) => l.message).join("\n"),
        (err: unknown) => String(err),
      );
      assert.match(outcome, /scalingConfig/, "the node group's scaling config is what fails");
      assert.match(outcome, /minNodes <= desiredNodes <= maxNodes; got 5, 3, 3/);
    });

    it("node counts out of order, as a ResourceError naming all three", async () => {
      await assert.rejects(
        renderCompute({ minNodes: 4, desiredNodes: 3, maxNodes: 6 }),
        (err: unknown) => {
          assert.ok(pulumi.ResourceError.isInstance(err), String(err));
          assert.match(err.message, /minNodes <= desiredNodes <= maxNodes; got 4, 3, 6/);
          return true;
        },
      );
    });
  });
});
