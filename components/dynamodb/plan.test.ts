import { strict as assert } from "assert";
import fc from "fast-check";
import { camelRole, checkHomeTableArns, CONTROL_TABLE, planTables, TableSpec } from "./plan";

const identity = { app: "shop", cell: "euw1", region: "eu-west-1" };
const tableName = fc.stringMatching(/^[a-zA-Z0-9_.-]{3,30}$/);
const keyType = fc.constantFrom("S" as const, "N" as const, "B" as const);
const spec: fc.Arbitrary<TableSpec> = fc.record(
  {
    name: tableName,
    partitionKey: fc.stringMatching(/^[a-z]{1,8}$/),
    partitionKeyType: keyType,
    sortKey: fc.stringMatching(/^[A-Z]{1,8}$/),
    sortKeyType: keyType,
  },
  { requiredKeys: ["name", "partitionKey"] },
);

describe("components/dynamodb planTables (properties)", () => {
  it("either reports an issue or plans one uniquely named table per spec, control table last", () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 8 }), (specs) => {
        const { planned, issues } = planTables(identity, specs);
        const control = planned[planned.length - 1];
        assert.equal(control.control, true);
        assert.equal(control.tableName, `shop-${CONTROL_TABLE}`);
        if (issues.length > 0) return;
        assert.equal(planned.length, specs.length + 1);
        assert.equal(new Set(planned.map((t) => t.role)).size, planned.length);
        assert.equal(new Set(planned.map((t) => t.tableName)).size, planned.length);
        specs.forEach((s, i) => {
          assert.equal(planned[i].tableName, `shop-${s.name}`);
          assert.equal(planned[i].partitionKeyType, s.partitionKeyType ?? "S");
          assert.equal(planned[i].sortKeyType, s.sortKey ? (s.sortKeyType ?? "S") : undefined);
        });
      }),
    );
  });

  it("reports exactly the tables a joiner cannot find a home ARN for", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{3,10}$/), { maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        (names, present) => {
          const specs = names
            .filter((n) => n !== CONTROL_TABLE)
            .map((name) => ({ name, partitionKey: "id" }));
          const { planned } = planTables(identity, specs);
          const arns: Record<string, string> = {};
          planned.forEach((t, i) => {
            if (present[i])
              arns[t.tableName] = `arn:aws:dynamodb:us-east-1:123456789012:table/${t.tableName}`;
          });
          const { issues, unreplicated } = checkHomeTableArns(identity, planned, arns);
          assert.deepEqual(
            issues.map((i) => i.propertyPath),
            planned.filter((_, i) => !present[i]).map((t) => `homeTableArns["${t.tableName}"]`),
          );
          assert.deepEqual(unreplicated, []);
        },
      ),
    );
  });

  it("camelRole yields identifier-safe roles", () => {
    fc.assert(
      fc.property(
        tableName.filter((n) => /[a-zA-Z0-9]/.test(n)),
        (n) => {
          assert.match(camelRole(n), /^[a-z0-9][a-zA-Z0-9]*$/);
        },
      ),
    );
  });
});
