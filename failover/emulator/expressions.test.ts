import { strict as assert } from "assert";
import fc from "fast-check";
import { checkConditional } from "dynalite/db";
import { validateExpressions } from "dynalite/validations";
import {
  applyUpdate,
  AttributeValue,
  compareNumbers,
  evaluate,
  ExpressionError,
  Item,
  parseCondition,
  parseUpdate,
  Placeholders,
} from "./services/expressions";

/*
 * The emulator evaluates ConditionExpressions itself (dynalite is a devDependency, the emulator
 * ships in the CLI). These tests hold it to dynalite, whose own tests run against DynamoDB:
 * fast-check generates expressions, placeholders and items, and both must agree on every one
 * (true, false, or a ValidationException).
 */

type Verdict = boolean | "error";

function ours(
  expression: string,
  names: Record<string, string> | undefined,
  values: Record<string, AttributeValue> | undefined,
  item: Item | undefined,
): Verdict {
  try {
    const p = new Placeholders(names, values);
    const c = parseCondition(expression, p);
    p.checkAllUsed();
    return evaluate(c, item);
  } catch (e) {
    if (e instanceof ExpressionError) return "error";
    throw e;
  }
}

function dynalite(
  expression: string,
  names: Record<string, string> | undefined,
  values: Record<string, AttributeValue> | undefined,
  item: Item | undefined,
): Verdict {
  const data: Record<string, unknown> = { ConditionExpression: expression };
  if (names) data.ExpressionAttributeNames = names;
  if (values) data.ExpressionAttributeValues = values;
  if (validateExpressions(data)) return "error";
  return !checkConditional(data, item);
}

// --- generators --------------------------------------------------------------------------------

/** Attribute names: plain ones, and reserved words (usable only through a placeholder). */
const NAMES = ["a", "b", "x_y", "region", "epoch"];
const STRINGS = ["", "a", "ab", "b", "ba", "abc"];

const num = fc.integer({ min: -3, max: 3 }).map((n): AttributeValue => ({ N: String(n) }));
const str = fc.constantFrom(...STRINGS).map((s): AttributeValue => ({ S: s }));
const bin = fc
  .constantFrom(...STRINGS)
  .map((s): AttributeValue => ({ B: Buffer.from(s).toString("base64") }));
const scalar = fc.oneof(num, str, bin);
// Stored strings are never empty here: dynalite takes size("") for a missing attribute, where
// DynamoDB (and the emulator) say 0. Expression values may still be empty.
const stored = scalar.filter((v) => !("S" in v && v.S === "") && !("B" in v && v.B === ""));
const anyValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  stored,
  fc.boolean().map((b): AttributeValue => ({ BOOL: b })),
  fc.constant<AttributeValue>({ NULL: true }),
  fc.uniqueArray(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 3 }).map((SS) => ({ SS })),
  fc
    .uniqueArray(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 3 })
    .map((ns) => ({ NS: ns.map(String) })),
  fc.array(stored, { maxLength: 3 }).map((L) => ({ L })),
  fc.dictionary(fc.constantFrom("a", "b"), stored, { maxKeys: 2 }).map((M) => ({ M })),
);
const item = fc.option(fc.dictionary(fc.constantFrom(...NAMES), anyValue, { maxKeys: 4 }), {
  nil: undefined,
});

interface PathSpec {
  head: string;
  placeholder: boolean;
  rest: (string | number)[];
}
const pathSpec: fc.Arbitrary<PathSpec> = fc.record({
  head: fc.constantFrom(...NAMES),
  placeholder: fc.boolean(),
  rest: fc.array(fc.oneof(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 2 })), {
    maxLength: 1,
  }),
});

type Node =
  | { k: "cmp"; op: string; path: PathSpec; value: AttributeValue; valueFirst: boolean }
  | { k: "between"; path: PathSpec; lo: number; hi: number }
  | { k: "in"; path: PathSpec; values: AttributeValue[] }
  | { k: "exists" | "not_exists"; path: PathSpec }
  | { k: "type"; path: PathSpec; type: string }
  | { k: "begins"; path: PathSpec; value: AttributeValue }
  | { k: "contains"; path: PathSpec; value: AttributeValue }
  | { k: "size"; op: string; path: PathSpec; n: number }
  | { k: "and" | "or"; l: Node; r: Node; parens: boolean; lower: boolean }
  | { k: "not"; x: Node };

const ordering = fc.constantFrom("<", "<=", ">", ">=");
const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc.record({
    k: fc.constant("cmp" as const),
    op: fc.constantFrom("=", "<>"),
    path: pathSpec,
    value: fc.oneof(
      scalar,
      anyValue.filter((v) => !("L" in v) && !("M" in v)),
    ),
    valueFirst: fc.boolean(),
  }),
  fc.record({
    k: fc.constant("cmp" as const),
    op: ordering,
    path: pathSpec,
    value: scalar,
    valueFirst: fc.boolean(),
  }),
  fc
    .record({
      path: pathSpec,
      a: fc.integer({ min: -3, max: 3 }),
      b: fc.integer({ min: -3, max: 3 }),
    })
    .map(({ path, a, b }): Node => ({
      k: "between",
      path,
      lo: Math.min(a, b),
      hi: Math.max(a, b),
    })),
  fc.record({
    k: fc.constant("in" as const),
    path: pathSpec,
    values: fc.array(scalar, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ k: fc.constantFrom("exists" as const, "not_exists" as const), path: pathSpec }),
  fc.record({
    k: fc.constant("type" as const),
    path: pathSpec,
    type: fc.constantFrom("S", "N", "B", "BOOL", "NULL", "SS", "NS", "L", "M"),
  }),
  fc.record({ k: fc.constant("begins" as const), path: pathSpec, value: fc.oneof(str, bin) }),
  fc.record({ k: fc.constant("contains" as const), path: pathSpec, value: fc.oneof(str, num) }),
  fc.record({
    k: fc.constant("size" as const),
    op: fc.constantFrom("=", "<>", "<", "<=", ">", ">="),
    path: pathSpec,
    n: fc.integer({ min: 0, max: 3 }),
  }),
);
const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({
      k: fc.constantFrom("and" as const, "or" as const),
      l: tie("node"),
      r: tie("node"),
      parens: fc.boolean(),
      lower: fc.boolean(),
    }),
    fc.record({ k: fc.constant("not" as const), x: tie("node") }),
  ),
})).node;

/** Renders a node, collecting the placeholders it uses. */
function render(n: Node) {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const val = (v: AttributeValue) => {
    const key = `:v${Object.keys(values).length}`;
    values[key] = v;
    return key;
  };
  const path = (p: PathSpec) => {
    let head = p.head;
    if (p.placeholder) {
      head = `#${p.head}`;
      names[head] = p.head;
    }
    return head + p.rest.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
  };
  const go = (x: Node): string => {
    switch (x.k) {
      case "cmp": {
        const p = path(x.path);
        const v = val(x.value);
        return x.valueFirst ? `${v} ${x.op} ${p}` : `${p} ${x.op} ${v}`;
      }
      case "between":
        return `${path(x.path)} BETWEEN ${val({ N: String(x.lo) })} AND ${val({ N: String(x.hi) })}`;
      case "in":
        return `${path(x.path)} IN (${x.values.map(val).join(", ")})`;
      case "exists":
        return `attribute_exists(${path(x.path)})`;
      case "not_exists":
        return `attribute_not_exists(${path(x.path)})`;
      case "type":
        return `attribute_type(${path(x.path)}, ${val({ S: x.type })})`;
      case "begins":
        return `begins_with(${path(x.path)}, ${val(x.value)})`;
      case "contains":
        return `contains(${path(x.path)}, ${val(x.value)})`;
      case "size":
        return `size(${path(x.path)}) ${x.op} ${val({ N: String(x.n) })}`;
      case "not":
        return `NOT ${go(x.x)}`;
      case "and":
      case "or": {
        const word = x.lower ? x.k : x.k.toUpperCase();
        const l = go(x.l);
        const r = go(x.r);
        return x.parens ? `(${l}) ${word} (${r})` : `${l} ${word} ${r}`;
      }
    }
  };
  const expression = go(n);
  return {
    expression,
    names: Object.keys(names).length ? names : undefined,
    values: Object.keys(values).length ? values : undefined,
  };
}

describe("emulator: DynamoDB condition expressions agree with dynalite", () => {
  it("on generated expressions, placeholders and items", () => {
    fc.assert(
      fc.property(node, item, (n, it) => {
        const { expression, names, values } = render(n);
        const expected = dynalite(expression, names, values, it);
        const actual = ours(expression, names, values, it);
        assert.equal(
          actual,
          expected,
          `${expression}\nnames ${JSON.stringify(names)}\nvalues ${JSON.stringify(values)}\nitem ${JSON.stringify(it)}`,
        );
      }),
      { numRuns: 1200, seed: 20261122 },
    );
  });

  it("on placeholders given but not used, or used but not given", () => {
    fc.assert(
      fc.property(node, item, fc.boolean(), (n, it, dropValue) => {
        const { expression, names, values } = render(n);
        const v = { ...values };
        const nm = { ...names };
        if (dropValue && Object.keys(v).length > 0) delete v[Object.keys(v)[0]];
        else nm["#unused"] = "zzz";
        const args = [expression, nm, Object.keys(v).length ? v : undefined, it] as const;
        assert.equal(ours(...args), dynalite(...args), expression);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("on the control table's fence condition, written by hand", () => {
    const expression =
      "attribute_not_exists(#pk) OR #epoch < :epoch OR (#epoch = :epoch AND #v = :v)";
    const names = { "#pk": "pk", "#epoch": "epoch", "#v": "fenced" };
    const values: Record<string, AttributeValue> = { ":epoch": { N: "5" }, ":v": { BOOL: true } };
    const cases: [Item | undefined, boolean][] = [
      [undefined, true],
      [{ pk: { S: "fence#x" }, epoch: { N: "4" }, fenced: { BOOL: false } }, true],
      [{ pk: { S: "fence#x" }, epoch: { N: "5" }, fenced: { BOOL: true } }, true],
      [{ pk: { S: "fence#x" }, epoch: { N: "5" }, fenced: { BOOL: false } }, false],
      [{ pk: { S: "fence#x" }, epoch: { N: "6" }, fenced: { BOOL: true } }, false],
    ];
    for (const [it, expected] of cases) {
      assert.equal(ours(expression, names, values, it), expected);
      assert.equal(dynalite(expression, names, values, it), expected);
    }
  });

  it("compares numbers exactly, beyond double precision", () => {
    assert.equal(compareNumbers("1.0", "1"), 0);
    assert.equal(compareNumbers("-0", "0"), 0);
    assert.equal(
      compareNumbers(
        "12345678901234567890123456789012345678",
        "12345678901234567890123456789012345679",
      ),
      -1,
    );
    assert.equal(compareNumbers("1e3", "999.9"), 1);
    assert.equal(compareNumbers("-2", "-10"), 1);
    assert.equal(compareNumbers("0.001", "1E-3"), 0);
  });

  it("applies SET, REMOVE, ADD and DELETE update expressions", () => {
    const p = new Placeholders(
      { "#c": "count", "#t": "tags" },
      {
        ":one": { N: "1" },
        ":zero": { N: "0" },
        ":s": { S: "x" },
        ":tags": { SS: ["b", "c"] },
        ":gone": { SS: ["a"] },
        ":l": { L: [{ N: "9" }] },
      },
    );
    const actions = parseUpdate(
      "SET #c = if_not_exists(#c, :zero) + :one, name1 = :s, lst = list_append(lst, :l) REMOVE gone1 ADD #t :tags DELETE other1 :gone",
      p,
    );
    p.checkAllUsed();
    const out = applyUpdate(
      {
        gone1: { S: "bye" },
        tags: { SS: ["a"] },
        other1: { SS: ["a"] },
        lst: { L: [{ N: "1" }] },
      },
      actions,
    );
    assert.deepEqual(out, {
      count: { N: "1" },
      name1: { S: "x" },
      tags: { SS: ["a", "b", "c"] },
      lst: { L: [{ N: "1" }, { N: "9" }] },
    });
  });
});
