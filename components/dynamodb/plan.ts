import * as pulumi from "@pulumi/pulumi";
import { CellIdentity, globalName } from "../naming";

/** DynamoDB scalar key types. */
export type KeyType = "S" | "N" | "B";

/** One table from `dr:dynamodb.tables` (see `tableSchema` in config/schema.ts). */
export interface TableSpec {
  /** Logical name (`orders`); the physical name, the same in every region, is `<app>-<name>`. */
  name: string;
  partitionKey: string;
  /** Defaults to "S". */
  partitionKeyType?: KeyType;
  /** Leave out for a table keyed by its partition key alone. */
  sortKey?: string;
  /** Type of `sortKey`; ignored without one. Defaults to "S". */
  sortKeyType?: KeyType;
}

/** Logical name of the table the failover commands write their fences to. */
export const CONTROL_TABLE = "dr-control";
/** Its partition key (type S): one item per fence, e.g. `fence#writer`. */
export const CONTROL_PARTITION_KEY = "pk";

/** A table as it will be built: physical name, child-resource role, defaulted key types. */
export interface PlannedTable {
  /** Physical name, the same in every region: `shop-orders`. */
  tableName: string;
  /** camelCase role in child resource names: `orders` -> `${name}-ordersTable`. */
  role: string;
  partitionKey: string;
  partitionKeyType: KeyType;
  sortKey?: string;
  sortKeyType?: KeyType;
  /** True for the DR control table the component adds itself. */
  control: boolean;
}

const KEY_TYPES: readonly string[] = ["S", "N", "B"];
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,200}$/;
const DYNAMODB_TABLE_ARN =
  /^arn:aws[\w-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]+)$/;

/** `order-items` -> `orderItems`, `Orders` -> `orders`: the role part of a child's name. */
export function camelRole(name: string): string {
  const parts = name.split(/[^a-zA-Z0-9]+/).filter((p) => p.length > 0);
  return parts
    .map((p, i) => (i === 0 ? p[0].toLowerCase() + p.slice(1) : p[0].toUpperCase() + p.slice(1)))
    .join("");
}

/**
 * Validates the table list and returns the tables to build: the configured ones in order, then
 * the DR control table. Returns every problem found, each naming the arg and the fix.
 */
export function planTables(
  identity: CellIdentity,
  tables: readonly TableSpec[],
): { planned: PlannedTable[]; issues: pulumi.InputPropertyErrorDetails[] } {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const planned: PlannedTable[] = [];
  const seenNames = new Map<string, number>();
  const seenRoles = new Map<string, number>();
  if (!Array.isArray(tables)) {
    issues.push({
      propertyPath: "tables",
      reason: "must be a list of tables ({name, partitionKey, ...}); use [] for none.",
    });
    tables = [];
  }

  tables.forEach((spec, i) => {
    const at = `tables[${i}]`;
    const before = issues.length;
    if (typeof spec?.name !== "string" || !TABLE_NAME.test(spec.name)) {
      issues.push({
        propertyPath: `${at}.name`,
        reason: `'${String(spec?.name)}' is not a table name: use 3-200 characters of a-z, A-Z, 0-9, '_', '-' or '.'.`,
      });
    } else if (camelRole(spec.name) === "") {
      issues.push({
        propertyPath: `${at}.name`,
        reason: `'${spec.name}' has no letter or digit; name the table after what it holds, e.g. 'orders'.`,
      });
    } else if (spec.name === CONTROL_TABLE) {
      issues.push({
        propertyPath: `${at}.name`,
        reason: `'${CONTROL_TABLE}' is reserved for the DR control table that GlobalTables adds itself; rename this table.`,
      });
    }
    if (typeof spec?.partitionKey !== "string" || spec.partitionKey.length === 0) {
      issues.push({
        propertyPath: `${at}.partitionKey`,
        reason: "must name the table's partition key attribute, e.g. 'id'.",
      });
    }
    for (const field of ["partitionKeyType", "sortKeyType"] as const) {
      const t = spec?.[field];
      if (t !== undefined && !KEY_TYPES.includes(t)) {
        issues.push({
          propertyPath: `${at}.${field}`,
          reason: `'${String(t)}' is not a DynamoDB key type; use S (string), N (number) or B (binary).`,
        });
      }
    }
    if (spec?.sortKey !== undefined) {
      if (typeof spec.sortKey !== "string" || spec.sortKey.length === 0) {
        issues.push({
          propertyPath: `${at}.sortKey`,
          reason: "must name the sort key attribute, or be left out for a table without one.",
        });
      } else if (spec.sortKey === spec.partitionKey) {
        issues.push({
          propertyPath: `${at}.sortKey`,
          reason: `is the same attribute as partitionKey ('${spec.sortKey}'); use another attribute or leave sortKey out.`,
        });
      }
    }
    if (issues.length > before) return;

    const tableName = globalName(identity.app, spec.name);
    const role = camelRole(spec.name);
    const sameName = seenNames.get(tableName);
    const sameRole = seenRoles.get(role);
    if (sameName !== undefined || sameRole !== undefined) {
      const other = sameName ?? sameRole!;
      issues.push({
        propertyPath: `${at}.name`,
        reason: `'${spec.name}' clashes with tables[${other}].name ('${tables[other].name}'): table names must differ after '-', '_' and '.' are dropped; rename one of them.`,
      });
      return;
    }
    seenNames.set(tableName, i);
    seenRoles.set(role, i);
    planned.push({
      tableName,
      role,
      partitionKey: spec.partitionKey,
      partitionKeyType: spec.partitionKeyType ?? "S",
      ...(spec.sortKey !== undefined
        ? { sortKey: spec.sortKey, sortKeyType: spec.sortKeyType ?? "S" }
        : {}),
      control: false,
    });
  });

  const controlRole = camelRole(CONTROL_TABLE);
  const clash = seenRoles.get(controlRole);
  if (clash !== undefined) {
    issues.push({
      propertyPath: `tables[${clash}].name`,
      reason: `'${tables[clash].name}' clashes with the DR control table '${CONTROL_TABLE}' that GlobalTables adds itself; rename this table.`,
    });
  }
  planned.push({
    tableName: globalName(identity.app, CONTROL_TABLE),
    role: controlRole,
    partitionKey: CONTROL_PARTITION_KEY,
    partitionKeyType: "S",
    control: true,
  });
  return { planned, issues };
}

/**
 * Checks a joiner's `homeTableArns` against the tables it will replicate: one ARN per physical
 * table name, each a DynamoDB table ARN of that name in another region. ARNs that are still
 * Outputs are checked by AWS instead. Returns the problems and the home tables this cell does
 * not replicate (a parity gap the caller warns about).
 */
export function checkHomeTableArns(
  identity: CellIdentity,
  planned: readonly PlannedTable[],
  homeTableArns: Record<string, pulumi.Input<string>>,
): { issues: pulumi.InputPropertyErrorDetails[]; unreplicated: string[] } {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  for (const table of planned) {
    const propertyPath = `homeTableArns["${table.tableName}"]`;
    const arn = homeTableArns[table.tableName];
    if (arn === undefined) {
      issues.push({
        propertyPath,
        reason: table.control
          ? `is missing: the home cell's manifest has no DR control table. Run 'pulumi up' on the home stack to completion, then here again.`
          : `is missing: the home cell has no table '${table.tableName}'. Add it to the home stack's dr:dynamodb.tables and deploy the home stack first, or remove it from this stack.`,
      });
      continue;
    }
    if (typeof arn !== "string") continue;
    const m = DYNAMODB_TABLE_ARN.exec(arn);
    if (!m) {
      issues.push({
        propertyPath,
        reason: `'${arn}' is not a DynamoDB table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>); pass the tableArn from the home DR manifest.`,
      });
    } else if (m[3] !== table.tableName) {
      issues.push({
        propertyPath,
        reason: `'${arn}' is the ARN of table '${m[3]}', not '${table.tableName}'; pass the matching tableArn from the home DR manifest.`,
      });
    } else if (m[1] === identity.region) {
      issues.push({
        propertyPath,
        reason: `'${arn}' is in this cell's own region (${identity.region}); a replica joins a table in the home region. Pass the home cell's tableArn, not this cell's.`,
      });
    }
  }
  const wanted = new Set(planned.map((t) => t.tableName));
  const unreplicated = Object.keys(homeTableArns).filter((n) => !wanted.has(n));
  return { issues, unreplicated };
}
