import { strict as assert } from "assert";
import { GlobalTables, GlobalTablesArgs } from "./globalTables";
import { camelRole, planTables } from "./plan";
import { byType, named, promiseOf, renderComponent } from "../../testing";
import { DESTRUCTIVE_PROPERTIES, outOfBandProperties } from "../switchover/outOfBand";

const TABLE = "aws:dynamodb/table:Table";
const REPLICA = "aws:dynamodb/tableReplica:TableReplica";
const home = { app: "shop", cell: "use1", region: "us-east-1" };
const joiner = { app: "shop", cell: "euw1", region: "eu-west-1" };
const homeKey = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234";
const joinerKey = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234";
const tables = [
  { name: "orders", partitionKey: "orderId", partitionKeyType: "S" as const },
  {
    name: "order-items",
    partitionKey: "orderId",
    partitionKeyType: "S" as const,
    sortKey: "line",
    sortKeyType: "N" as const,
  },
];
const homeArns = {
  "shop-orders": "arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders",
  "shop-order-items": "arn:aws:dynamodb:us-east-1:123456789012:table/shop-order-items",
  "shop-dr-control": "arn:aws:dynamodb:us-east-1:123456789012:table/shop-dr-control",
};

function joinerArgs(overrides: Partial<GlobalTablesArgs> = {}): GlobalTablesArgs {
  return {
    identity: joiner,
    role: "joiner",
    tables,
    kmsKeyArn: joinerKey,
    homeTableArns: homeArns,
    ...overrides,
  };
}

describe("components/dynamodb GlobalTables", () => {
  describe("home cell", () => {
    it("creates one protected, encrypted, streamed table per config table plus the control table", async () => {
      let component: GlobalTables | undefined;
      const render = await renderComponent(() => {
        component = new GlobalTables("t", {
          identity: home,
          role: "home",
          tables,
          kmsKeyArn: homeKey,
        });
      });
      const created = byType(render, TABLE);
      assert.deepEqual(created.map((r) => r.name).sort(), [
        "t-drControlTable",
        "t-orderItemsTable",
        "t-ordersTable",
      ]);
      assert.equal(byType(render, REPLICA).length, 0, "the home cell creates no replicas");
      for (const table of created) {
        assert.equal(table.parent, "t");
        assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
        assert.equal(table.inputs.streamEnabled, true);
        assert.equal(table.inputs.streamViewType, "NEW_AND_OLD_IMAGES");
        assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
        assert.deepEqual(table.inputs.serverSideEncryption, { enabled: true, kmsKeyArn: homeKey });
        assert.equal(table.inputs.deletionProtectionEnabled, true);
        assert.equal(table.protect, true, `${table.name} must be protected`);
        assert.deepEqual(table.ignoreChanges, outOfBandProperties(TABLE));
        assert.ok(table.ignoreChanges.includes("replicas"));
        assert.deepEqual(table.inputs.tags, {
          "dr:app": "shop",
          "dr:cell": "use1",
          "dr:region": "us-east-1",
        });
      }

      const items = named(render, "t-orderItemsTable");
      assert.equal(items.inputs.name, "shop-order-items");
      assert.equal(items.inputs.hashKey, "orderId");
      assert.equal(items.inputs.rangeKey, "line");
      assert.deepEqual(items.inputs.attributes, [
        { name: "orderId", type: "S" },
        { name: "line", type: "N" },
      ]);
      const control = named(render, "t-drControlTable");
      assert.equal(control.inputs.name, "shop-dr-control");
      assert.equal(control.inputs.hashKey, "pk");
      assert.deepEqual(control.inputs.attributes, [{ name: "pk", type: "S" }]);

      assert.deepEqual(await promiseOf(component!.tables), [
        {
          tableName: "shop-orders",
          tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders",
          partitionKey: "orderId",
          partitionKeyType: "S",
        },
        {
          tableName: "shop-order-items",
          tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/shop-order-items",
          partitionKey: "orderId",
          partitionKeyType: "S",
          // The key types reach the manifest: the switchover's drain marker is written with them.
          sortKey: "line",
          sortKeyType: "N",
        },
      ]);
      assert.deepEqual(await promiseOf(component!.controlTable), {
        tableName: "shop-dr-control",
        tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/shop-dr-control",
        partitionKey: "pk",
        partitionKeyType: "S",
      });
    });

    it("never ignores a property whose change would replace a table", async () => {
      const render = await renderComponent(
        () => new GlobalTables("t", { identity: home, role: "home", tables, kmsKeyArn: homeKey }),
      );
      for (const table of byType(render, TABLE)) {
        for (const p of DESTRUCTIVE_PROPERTIES[TABLE]) {
          assert.ok(!table.ignoreChanges.includes(p), `${table.name} ignores ${p}`);
        }
      }
    });

    it("refuses homeTableArns, which only a joiner uses", async () => {
      await assert.rejects(
        renderComponent(
          () =>
            new GlobalTables("t", {
              identity: home,
              role: "home",
              tables,
              kmsKeyArn: homeKey,
              homeTableArns: homeArns,
            }),
        ),
        /homeTableArns is for joiners only/,
      );
    });
  });

  describe("joiner cell", () => {
    it("replicates every home table into its region with PITR, its own KMS key and deletion protection", async () => {
      let component: GlobalTables | undefined;
      const render = await renderComponent(
        () => (component = new GlobalTables("t", joinerArgs())),
        {
          region: "eu-west-1",
        },
      );
      assert.equal(byType(render, TABLE).length, 0, "a joiner creates no tables of its own");
      const replicas = byType(render, REPLICA);
      assert.deepEqual(replicas.map((r) => r.name).sort(), [
        "t-drControlReplica",
        "t-orderItemsReplica",
        "t-ordersReplica",
      ]);
      for (const replica of replicas) {
        assert.equal(replica.parent, "t");
        assert.equal(replica.inputs.pointInTimeRecovery, true, `${replica.name} PITR`);
        assert.equal(replica.inputs.kmsKeyArn, joinerKey, `${replica.name} KMS`);
        assert.equal(replica.inputs.deletionProtectionEnabled, true);
        assert.equal(replica.inputs.region, undefined, "replicas live in the stack's region");
        assert.equal(replica.protect, true);
        assert.deepEqual(replica.ignoreChanges, outOfBandProperties(REPLICA));
        assert.equal(
          replica.inputs.tags && (replica.inputs.tags as Record<string, string>)["dr:cell"],
          "euw1",
        );
      }
      assert.equal(named(render, "t-ordersReplica").inputs.globalTableArn, homeArns["shop-orders"]);
      assert.equal(
        named(render, "t-orderItemsReplica").inputs.globalTableArn,
        homeArns["shop-order-items"],
      );
      assert.equal(
        named(render, "t-drControlReplica").inputs.globalTableArn,
        homeArns["shop-dr-control"],
      );

      const entries = await promiseOf(component!.tables);
      assert.deepEqual(
        entries.map((e) => e.tableArn),
        [
          "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-orders",
          "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-order-items",
        ],
        "the manifest records this region's replica ARNs",
      );
      assert.equal(
        (await promiseOf(component!.controlTable)).tableArn,
        "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dr-control",
      );
    });

    it("lets replicas go unprotected only when asked", async () => {
      const render = await renderComponent(
        () => new GlobalTables("t", joinerArgs({ protectReplicas: false })),
        { region: "eu-west-1" },
      );
      assert.ok(byType(render, REPLICA).every((r) => !r.protect));
    });

    it("warns about home tables it does not replicate", async () => {
      const render = await renderComponent(
        () =>
          new GlobalTables(
            "t",
            joinerArgs({
              homeTableArns: {
                ...homeArns,
                "shop-carts": "arn:aws:dynamodb:us-east-1:123456789012:table/shop-carts",
              },
            }),
          ),
        { region: "eu-west-1" },
      );
      const warning = render.logs.find((l) => l.severity === "warn");
      assert.match(warning?.message ?? "", /shop-carts/);
    });

    it("names homeTableArns when a joiner has none", async () => {
      await assert.rejects(
        renderComponent(() => new GlobalTables("t", joinerArgs({ homeTableArns: undefined })), {
          region: "eu-west-1",
        }),
        (e: Error & { propertyPath?: string }) =>
          e.propertyPath === "homeTableArns" && /home DR manifest/.test(e.message),
      );
    });

    it("names the table whose home ARN is missing", async () => {
      const { "shop-order-items": _dropped, ...partial } = homeArns;
      await assert.rejects(
        renderComponent(() => new GlobalTables("t", joinerArgs({ homeTableArns: partial }))),
        (e: Error & { propertyPath?: string }) =>
          e.propertyPath === 'homeTableArns["shop-order-items"]' &&
          /deploy the home stack first/.test(e.message),
      );
    });

    it("rejects a home ARN of the wrong table or of its own region", async () => {
      await assert.rejects(
        renderComponent(
          () =>
            new GlobalTables(
              "t",
              joinerArgs({
                homeTableArns: {
                  ...homeArns,
                  "shop-orders": "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-orders",
                  "shop-order-items": "arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders",
                },
              }),
            ),
        ),
        (e: Error & { errors?: { propertyPath: string; reason: string }[] }) => {
          const byPath = Object.fromEntries(
            (e.errors ?? []).map((x) => [x.propertyPath, x.reason]),
          );
          return (
            /own region \(eu-west-1\)/.test(byPath['homeTableArns["shop-orders"]'] ?? "") &&
            /not 'shop-order-items'/.test(byPath['homeTableArns["shop-order-items"]'] ?? "")
          );
        },
      );
    });
  });

  describe("table list validation", () => {
    it("names each bad field and the fix", () => {
      const { issues } = planTables(home, [
        { name: "ok", partitionKey: "id" },
        { name: "dr-control", partitionKey: "pk" },
        { name: "items", partitionKey: "", sortKeyType: "X" as never },
        { name: "carts", partitionKey: "id", sortKey: "id" },
        { name: "-_.", partitionKey: "id" },
      ]);
      const byPath = Object.fromEntries(issues.map((i) => [i.propertyPath, i.reason]));
      assert.match(byPath["tables[0].name"], /3-200 characters/);
      assert.match(byPath["tables[1].name"], /reserved for the DR control table/);
      assert.match(byPath["tables[2].partitionKey"], /partition key/);
      assert.match(byPath["tables[2].sortKeyType"], /S \(string\), N \(number\) or B/);
      assert.match(byPath["tables[3].sortKey"], /same attribute as partitionKey/);
      assert.match(byPath["tables[4].name"], /no letter or digit/);
    });

    it("rejects names that would collide as child resources", async () => {
      await assert.rejects(
        renderComponent(
          () =>
            new GlobalTables("t", {
              identity: home,
              role: "home",
              tables: [
                { name: "order-items", partitionKey: "id" },
                { name: "order_items", partitionKey: "id" },
              ],
              kmsKeyArn: homeKey,
            }),
        ),
        (e: Error & { propertyPath?: string }) =>
          e.propertyPath === "tables[1].name" && /clashes with tables\[0\]\.name/.test(e.message),
      );
    });

    it("derives camelCase roles from table names", () => {
      assert.equal(camelRole("order-items"), "orderItems");
      assert.equal(camelRole("Order.Items_v2"), "orderItemsV2");
      assert.equal(camelRole("dr-control"), "drControl");
    });
  });
});
