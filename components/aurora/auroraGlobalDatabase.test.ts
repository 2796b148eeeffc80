import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AuroraGlobalDatabase, AuroraGlobalDatabaseArgs } from "./auroraGlobalDatabase";
import { replicaSecretArn } from "../secrets";
import { byType, named, oneOf, promiseOf, renderComponent } from "../../testing";
import type { Render } from "../../plan/render";
import { DESTRUCTIVE_PROPERTIES, OUT_OF_BAND_PROPERTIES } from "../switchover/outOfBand";

const GLOBAL = "aws:rds/globalCluster:GlobalCluster";
const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const PROXY = "aws:rds/proxy:Proxy";
const SECRET = "aws:secretsmanager/secret:Secret";
const PASSWORD = "random:index/randomPassword:RandomPassword";
/** How the mock runtime receives a value marked secret. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const homeIdentity = { app: "shop", cell: "use1", region: "us-east-1" };
const joinerIdentity = { app: "shop", cell: "euw1", region: "eu-west-1" };
const homeKey = "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";
const joinerKey = "arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";
const homeSecret =
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds/shop-global/master-Ab12Cd";

function homeArgs(overrides: Partial<AuroraGlobalDatabaseArgs> = {}): AuroraGlobalDatabaseArgs {
  return {
    identity: homeIdentity,
    role: "home",
    globalClusterIdentifier: "shop-global",
    engine: "aurora-postgresql",
    engineVersion: "16.6",
    kmsKeyArn: homeKey,
    vpcId: "vpc-0home",
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    allowedCidrBlocks: ["10.10.0.0/16"],
    replicaRegions: ["eu-west-1"],
    ...overrides,
  };
}

function joinerArgs(overrides: Partial<AuroraGlobalDatabaseArgs> = {}): AuroraGlobalDatabaseArgs {
  return {
    identity: joinerIdentity,
    role: "joiner",
    globalClusterIdentifier: "shop-global",
    engine: "aurora-postgresql",
    engineVersion: "16.6",
    kmsKeyArn: joinerKey,
    vpcId: "vpc-0joiner",
    subnetIds: ["subnet-x", "subnet-y", "subnet-z"],
    allowedCidrBlocks: ["10.20.0.0/16"],
    masterSecretArn: replicaSecretArn(homeSecret, "eu-west-1"),
    ...overrides,
  };
}

async function render(args: AuroraGlobalDatabaseArgs) {
  let db: AuroraGlobalDatabase | undefined;
  const r = await renderComponent(() => (db = new AuroraGlobalDatabase("db", args)), {
    region: args.identity.region,
  });
  return { render: r, db: db! };
}

/** A value the program passed as a secret arrives wrapped; returns the plain value or fails. */
function secretValue(value: unknown): unknown {
  const wrapped = (value ?? {}) as Record<string, unknown>;
  assert.ok(SECRET_SIG in wrapped, `expected a secret, got ${JSON.stringify(value)}`);
  return wrapped.value;
}

function policyOf(r: Render, name: string) {
  return JSON.parse(String(named(r, name).inputs.policy)) as {
    Statement: Array<{ Action: string | string[]; Resource: string }>;
  };
}

/** Every resource whose type AWS changes out of band ignores at least the table's properties. */
function assertSwitchoverSafe(r: Render) {
  let checked = 0;
  for (const res of r.resources) {
    const table = OUT_OF_BAND_PROPERTIES[res.type];
    if (!table) continue;
    checked++;
    for (const prop of table) {
      assert.ok(
        res.ignoreChanges.includes(prop),
        `${res.name} (${res.type}) must ignore ${prop}; ignores ${JSON.stringify(res.ignoreChanges)}`,
      );
    }
  }
  assert.ok(checked > 0, "the render has resources of the table's types");
}

describe("components/aurora AuroraGlobalDatabase", () => {
  describe("home cell", () => {
    it("creates the protected global cluster and a primary cluster joined to it", async () => {
      const { render: r, db } = await render(
        homeArgs({ backupRetentionDays: 14, databaseName: "shop" }),
      );
      const global = oneOf(r, GLOBAL);
      assert.equal(global.name, "db-globalCluster");
      assert.equal(global.parent, "db");
      assert.equal(global.protect, true, "the global cluster is a global object: protect it");
      assert.deepEqual(
        {
          id: global.inputs.globalClusterIdentifier,
          engine: global.inputs.engine,
          engineVersion: global.inputs.engineVersion,
          databaseName: global.inputs.databaseName,
          storageEncrypted: global.inputs.storageEncrypted,
          deletionProtection: global.inputs.deletionProtection,
        },
        {
          id: "shop-global",
          engine: "aurora-postgresql",
          engineVersion: "16.6",
          databaseName: "shop",
          storageEncrypted: true,
          deletionProtection: true,
        },
      );
      assert.equal(global.inputs.sourceDbClusterIdentifier, undefined);

      const cluster = oneOf(r, CLUSTER);
      assert.equal(cluster.name, "db-cluster");
      assert.equal(cluster.inputs.clusterIdentifier, "shop-use1-aurora");
      assert.equal(
        cluster.inputs.globalClusterIdentifier,
        global.id,
        "joined to the global cluster",
      );
      assert.equal(cluster.inputs.engine, "aurora-postgresql");
      assert.equal(cluster.inputs.engineVersion, "16.6");
      assert.equal(cluster.inputs.kmsKeyId, homeKey);
      assert.equal(cluster.inputs.storageEncrypted, true);
      assert.equal(cluster.inputs.deletionProtection, true);
      assert.equal(cluster.inputs.backupRetentionPeriod, 14);
      assert.equal(cluster.inputs.preferredBackupWindow, "03:00-04:00");
      assert.equal(cluster.inputs.preferredMaintenanceWindow, "sun:05:00-sun:06:00");
      assert.equal(cluster.inputs.copyTagsToSnapshot, true);
      assert.equal(cluster.inputs.iamDatabaseAuthenticationEnabled, true);
      assert.deepEqual(cluster.inputs.enabledCloudwatchLogsExports, ["postgresql"]);
      assert.equal(cluster.inputs.skipFinalSnapshot, false);
      assert.equal(cluster.inputs.finalSnapshotIdentifier, "shop-use1-aurora-final");
      assert.equal(cluster.inputs.databaseName, "shop");
      assert.equal(cluster.inputs.masterUsername, "dbadmin");
      assert.equal(
        cluster.inputs.manageMasterUserPassword,
        undefined,
        "global clusters cannot use the RDS-managed master password",
      );
      assert.equal(cluster.inputs.port, 5432);
      assert.equal(cluster.inputs.dbSubnetGroupName, named(r, "db-subnetGroup").id);
      assert.deepEqual(cluster.inputs.vpcSecurityGroupIds, [named(r, "db-securityGroup").id]);

      assert.equal(await promiseOf(db.globalClusterIdentifier), "shop-global");
      assert.equal(
        await promiseOf(db.globalClusterArn),
        "arn:aws:rds::123456789012:global-cluster:shop-global",
      );
      assert.equal(await promiseOf(db.clusterIdentifier), "shop-use1-aurora");
      assert.equal(await promiseOf(db.clusterArn), cluster.state.arn);
      assert.equal(await promiseOf(db.writerEndpoint), cluster.state.endpoint);
      assert.equal(await promiseOf(db.readerEndpoint), cluster.state.readerEndpoint);
      assert.equal(await promiseOf(db.proxyEndpoint), oneOf(r, PROXY).state.endpoint);
      assert.match(
        await promiseOf(db.proxyEndpoint),
        /\.proxy-.*\.us-east-1\.rds\.amazonaws\.com$/,
      );
    });

    it("keeps generated master credentials in a secret replicated to the peers, used by cluster and proxy", async () => {
      const { render: r, db } = await render(
        homeArgs({ replicaRegions: ["eu-west-1", "ap-southeast-2"] }),
      );
      const password = String(oneOf(r, PASSWORD).state.result);
      assert.equal(oneOf(r, PASSWORD).inputs.length, 32);
      const cluster = oneOf(r, CLUSTER);
      assert.equal(secretValue(cluster.inputs.masterPassword), password);

      const secret = oneOf(r, SECRET);
      assert.equal(secret.parent, "db-masterSecret");
      assert.equal(named(r, "db-masterSecret").type, "dr:secrets:ReplicatedSecret");
      assert.equal(secret.inputs.name, "rds/shop-global/master");
      assert.equal(secret.inputs.kmsKeyId, homeKey);
      assert.deepEqual(secret.inputs.replicas, [
        { region: "eu-west-1" },
        { region: "ap-southeast-2" },
      ]);
      const stored = JSON.parse(
        String(secretValue(named(r, "db-masterSecret-secretVersion").inputs.secretString)),
      );
      assert.deepEqual(stored, { username: "dbadmin", password });
      assert.equal(await promiseOf(db.masterSecretArn), secret.state.arn);

      const proxy = oneOf(r, PROXY);
      assert.deepEqual(proxy.inputs.auths, [
        {
          authScheme: "SECRETS",
          description: "Master credentials",
          secretArn: secret.state.arn,
          iamAuth: "REQUIRED",
          clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
        },
      ]);
      const statements = policyOf(r, "db-proxyPolicy").Statement;
      assert.deepEqual(statements[0].Resource, secret.state.arn);
      assert.ok(
        ([] as string[]).concat(statements[0].Action).includes("secretsmanager:GetSecretValue"),
      );
    });

    it("never shows the master password in plain text in any output", async () => {
      const { render: r, db } = await render(homeArgs());
      const password = String(oneOf(r, PASSWORD).state.result);
      let outputs = 0;
      for (const [key, value] of Object.entries(db)) {
        if (!pulumi.Output.isInstance(value)) continue;
        outputs++;
        const resolved = JSON.stringify(await promiseOf(value));
        if (resolved.includes(password)) {
          assert.ok(await pulumi.isSecret(value), `output ${key} shows the master password`);
        }
        assert.ok(!resolved.includes(password), `output ${key} carries the master password`);
      }
      assert.ok(outputs >= 8, `checked ${outputs} outputs`);
    });
  });

  describe("joining cell", () => {
    it("adds a secondary cluster to the global cluster, without master credentials", async () => {
      const { render: r, db } = await render(joinerArgs());
      assert.equal(byType(r, GLOBAL).length, 0, "the global cluster belongs to the home stack");
      assert.equal(byType(r, PASSWORD).length, 0);
      assert.equal(byType(r, SECRET).length, 0, "the joiner reads the replica of the home secret");

      const cluster = oneOf(r, CLUSTER);
      assert.equal(cluster.inputs.clusterIdentifier, "shop-euw1-aurora");
      assert.equal(cluster.inputs.globalClusterIdentifier, "shop-global");
      assert.equal(cluster.inputs.engine, "aurora-postgresql");
      assert.equal(cluster.inputs.engineVersion, "16.6");
      assert.equal(
        cluster.inputs.kmsKeyId,
        joinerKey,
        "a cross-region encrypted secondary needs its own key",
      );
      assert.equal(cluster.inputs.storageEncrypted, true);
      assert.equal(cluster.inputs.deletionProtection, true);
      assert.equal(cluster.inputs.backupRetentionPeriod, 7);
      assert.equal(cluster.inputs.preferredMaintenanceWindow, "wed:05:00-wed:06:00");
      for (const absent of [
        "masterUsername",
        "masterPassword",
        "databaseName",
        "manageMasterUserPassword",
        "replicationSourceIdentifier",
      ]) {
        assert.equal(cluster.inputs[absent], undefined, `a secondary must not set ${absent}`);
      }

      const proxy = oneOf(r, PROXY);
      const replicaArn =
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds/shop-global/master-Ab12Cd";
      assert.equal((proxy.inputs.auths as Array<{ secretArn: string }>)[0].secretArn, replicaArn);
      assert.equal(policyOf(r, "db-proxyPolicy").Statement[0].Resource, replicaArn);
      assert.equal(await promiseOf(db.masterSecretArn), replicaArn);
      assert.equal(
        await promiseOf(db.globalClusterArn),
        "arn:aws:rds::123456789012:global-cluster:shop-global",
        "the same global cluster ARN the home cell reports",
      );
      assert.equal(await promiseOf(db.globalClusterIdentifier), "shop-global");
      assert.match(await promiseOf(db.writerEndpoint), /\.eu-west-1\.rds\.amazonaws\.com$/);
    });

    it("ignores replicaRegions (the cell program passes the peers to every cell)", async () => {
      const { render: r } = await render(joinerArgs({ replicaRegions: ["us-east-1"] }));
      assert.equal(byType(r, SECRET).length, 0);
    });
  });

  describe("both roles", () => {
    for (const [role, args] of [
      ["home", homeArgs()],
      ["joiner", joinerArgs()],
    ] as const) {
      it(`${role}: instances, subnet group, security group and proxy are wired to the cluster`, async () => {
        const { render: r, db } = await render({
          ...args,
          instances: 3,
          instanceClass: "db.r7g.xlarge",
        });
        const cluster = oneOf(r, CLUSTER);
        const instances = byType(r, INSTANCE);
        assert.deepEqual(
          instances.map((i) => i.name),
          ["db-instance1", "db-instance2", "db-instance3"],
        );
        instances.forEach((instance, i) => {
          assert.equal(instance.parent, "db");
          assert.equal(instance.inputs.clusterIdentifier, cluster.id);
          assert.equal(instance.inputs.identifier, `${cluster.inputs.clusterIdentifier}-${i + 1}`);
          assert.equal(instance.inputs.instanceClass, "db.r7g.xlarge");
          assert.equal(instance.inputs.publiclyAccessible, false);
          assert.equal(instance.inputs.performanceInsightsEnabled, true);
          assert.equal(instance.inputs.performanceInsightsKmsKeyId, args.kmsKeyArn);
          assert.equal(instance.inputs.promotionTier, i === 0 ? 0 : 1);
        });
        assert.equal(await promiseOf(db.instances), 3);
        assert.equal(await promiseOf(db.instanceClass), "db.r7g.xlarge");

        const subnetGroup = named(r, "db-subnetGroup");
        assert.deepEqual(subnetGroup.inputs.subnetIds, args.subnetIds);
        const sg = named(r, "db-securityGroup");
        assert.equal(sg.inputs.vpcId, args.vpcId);
        assert.deepEqual(sg.inputs.ingress, [
          {
            description: "Engine port from the cell's VPC",
            protocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            cidrBlocks: args.allowedCidrBlocks,
          },
        ]);

        const proxy = oneOf(r, PROXY);
        assert.equal(proxy.inputs.requireTls, true);
        assert.equal(proxy.inputs.engineFamily, "POSTGRESQL");
        assert.equal(proxy.inputs.roleArn, named(r, "db-proxyRole").state.arn);
        assert.deepEqual(proxy.inputs.vpcSubnetIds, args.subnetIds);
        assert.deepEqual(proxy.inputs.vpcSecurityGroupIds, [sg.id]);
        const assume = JSON.parse(String(named(r, "db-proxyRole").inputs.assumeRolePolicy));
        assert.equal(assume.Statement[0].Principal.Service, "rds.amazonaws.com");
        const group = named(r, "db-proxyTargetGroup");
        assert.equal(group.inputs.dbProxyName, proxy.state.name);
        const readOnly = named(r, "db-proxyReadOnlyEndpoint");
        assert.equal(readOnly.inputs.dbProxyName, proxy.state.name);
        assert.equal(readOnly.inputs.targetRole, "READ_ONLY");
        assert.deepEqual(readOnly.inputs.vpcSecurityGroupIds, [sg.id]);
        assert.equal(await promiseOf(db.proxyReadOnlyEndpoint), readOnly.state.endpoint);
        assert.notEqual(readOnly.state.endpoint, proxy.state.endpoint);
        const target = named(r, "db-proxyTarget");
        assert.equal(target.inputs.dbProxyName, proxy.state.name);
        assert.equal(target.inputs.targetGroupName, group.state.name);
        assert.equal(target.inputs.dbClusterIdentifier, cluster.inputs.clusterIdentifier);
        const untaggable = new Set([
          "aws:iam/rolePolicy:RolePolicy",
          "aws:secretsmanager/secretVersion:SecretVersion",
          "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
          "aws:rds/proxyTarget:ProxyTarget",
        ]);
        for (const res of r.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
          if (untaggable.has(res.type)) continue;
          const tags = res.inputs.tags as Record<string, string> | undefined;
          assert.equal(tags?.["dr:cell"], args.identity.cell, `${res.name} carries the cell tags`);
        }
      });

      it(`${role}: ignores every property a switchover changes, per the out-of-band table`, async () => {
        const { render: r } = await render(args);
        assertSwitchoverSafe(r);
        const cluster = oneOf(r, CLUSTER);
        // The Terraform-known failure modes: a detach after failover and a replacing databaseName diff.
        assert.ok(cluster.ignoreChanges.includes("globalClusterIdentifier"));
        assert.ok(cluster.ignoreChanges.includes("databaseName"));
        // Every destructive cluster property AWS changes out of band is ignored.
        for (const prop of DESTRUCTIVE_PROPERTIES[CLUSTER]) {
          if (OUT_OF_BAND_PROPERTIES[CLUSTER].includes(prop))
            assert.ok(cluster.ignoreChanges.includes(prop), prop);
        }
        if (role === "home") {
          const global = oneOf(r, GLOBAL);
          assert.ok(global.protect);
          assert.ok(global.ignoreChanges.includes("databaseName"));
          assert.ok(global.ignoreChanges.includes("sourceDbClusterIdentifier"));
        }
      });
    }

    it("aurora-mysql: engine port, proxy family and log exports follow the engine", async () => {
      const { render: r, db } = await render(
        homeArgs({
          engine: "aurora-mysql",
          engineVersion: "8.0.mysql_aurora.3.08.0",
          masterUsername: "admin_user",
        }),
      );
      const cluster = oneOf(r, CLUSTER);
      assert.equal(cluster.inputs.port, 3306);
      assert.deepEqual(cluster.inputs.enabledCloudwatchLogsExports, [
        "audit",
        "error",
        "general",
        "slowquery",
      ]);
      assert.equal(oneOf(r, PROXY).inputs.engineFamily, "MYSQL");
      assert.equal(
        (named(r, "db-securityGroup").inputs.ingress as Array<{ fromPort: number }>)[0].fromPort,
        3306,
      );
      assert.equal(await promiseOf(db.port), 3306);
      assert.equal(await promiseOf(db.engineVersion), "8.0.mysql_aurora.3.08.0");
    });

    it("defaults: 2 db.r7g.large instances, database app, user dbadmin, 7 days of backups", async () => {
      const { render: r } = await render(homeArgs());
      const instances = byType(r, INSTANCE);
      assert.equal(instances.length, 2);
      assert.ok(instances.every((i) => i.inputs.instanceClass === "db.r7g.large"));
      const cluster = oneOf(r, CLUSTER);
      assert.equal(cluster.inputs.databaseName, "app");
      assert.equal(cluster.inputs.masterUsername, "dbadmin");
      assert.equal(cluster.inputs.backupRetentionPeriod, 7);
      assert.equal(oneOf(r, GLOBAL).inputs.databaseName, "app");
    });
  });

  describe("rejects bad args, naming the field and the fix", () => {
    const cases: Array<[string, AuroraGlobalDatabaseArgs, string, RegExp]> = [
      [
        "a joiner without masterSecretArn",
        joinerArgs({ masterSecretArn: undefined }),
        "masterSecretArn",
        /required for a joiner.*replicaSecretArn/,
      ],
      [
        "a joiner given the home region's secret",
        joinerArgs({ masterSecretArn: homeSecret }),
        "masterSecretArn",
        /not a secret ARN in eu-west-1/,
      ],
      [
        "a home cell given masterSecretArn",
        homeArgs({ masterSecretArn: homeSecret }),
        "masterSecretArn",
        /left out for the home cell/,
      ],
      [
        "a home cell without replicaRegions",
        homeArgs({ replicaRegions: undefined }),
        "replicaRegions",
        /required for the home cell/,
      ],
      ["0 instances", homeArgs({ instances: 0 }), "instances", /1 to 16/],
      [
        "an unknown engine",
        homeArgs({ engine: "postgres" as never }),
        "engine",
        /"aurora-postgresql" or "aurora-mysql"/,
      ],
      [
        "a PostgreSQL version for MySQL",
        homeArgs({ engine: "aurora-mysql", engineVersion: "8.0" }),
        "engineVersion",
        /8\.0\.mysql_aurora\.3\.08\.0/,
      ],
      [
        "a bad global cluster identifier",
        homeArgs({ globalClusterIdentifier: "1shop_global" }),
        "globalClusterIdentifier",
        /start with a letter/,
      ],
      [
        "40 days of backups",
        homeArgs({ backupRetentionDays: 40 }),
        "backupRetentionDays",
        /1 to 35/,
      ],
      [
        "a reserved master user",
        homeArgs({ masterUsername: "rdsadmin" }),
        "masterUsername",
        /reserved/,
      ],
      [
        "a database name with a hyphen",
        homeArgs({ databaseName: "my-db" }),
        "databaseName",
        /underscores/,
      ],
      [
        "a backup window over the default maintenance window",
        homeArgs({ preferredBackupWindow: "05:00-06:00" }),
        "preferredMaintenanceWindow",
        /overlaps the daily backup window/,
      ],
      [
        "not an instance class",
        homeArgs({ instanceClass: "r7g.large" }),
        "instanceClass",
        /db\.r7g\.large/,
      ],
    ];
    for (const [label, args, path, reason] of cases) {
      it(label, async () => {
        await assert.rejects(render(args), (err: unknown) => {
          assert.ok(pulumi.InputPropertyError.isInstance(err), String(err));
          assert.equal(err.propertyPath, path);
          assert.match(err.reason, reason);
          return true;
        });
      });
    }

    it("lists every problem at once", async () => {
      await assert.rejects(
        render(homeArgs({ instances: 0, backupRetentionDays: 0 })),
        (err: unknown) => {
          assert.ok(pulumi.InputPropertiesError.isInstance(err), String(err));
          assert.deepEqual(
            err.errors.map((e) => e.propertyPath),
            ["instances", "backupRetentionDays"],
          );
          assert.match(err.message, /- instances .*\n.*- backupRetentionDays /);
          return true;
        },
      );
    });
  });
});
