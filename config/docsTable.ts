/**
 * The configuration table of docs/configuration.md, generated from the zod schema in
 * config/schema.ts so the docs cannot drift from what the program accepts: every key (nested
 * objects, lists of objects and the `type`-discriminated trafficSwitch included) with its
 * type, default and the `.describe()` text on the schema. `npm run docs` writes it; the docs
 * test fails when the page and the schema disagree.
 */
import type { z } from "zod";
import { drConfigSchema } from "./schema";

/** Metadata the schema may carry besides `description` (zod's `.meta({...})`). */
interface DocMeta {
  description?: string;
  /** How a type is spelled for readers when the schema alone says only "string" (`AWS region`). */
  format?: string;
  /** The default when it is computed elsewhere (`from tier`); overrides the schema's. */
  defaultText?: string;
}

export interface ConfigKeyDoc {
  key: string;
  type: string;
  default: string;
  description: string | undefined;
}

// zod v4 keeps its definition under `_zod.def`; only the fields this walk reads are typed.
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  options?: Schema[];
  discriminator?: string;
  entries?: Record<string, string | number>;
  values?: unknown[];
  keyType?: Schema;
  valueType?: Schema;
  defaultValue?: unknown;
  checks?: { _zod: { def: CheckDef } }[];
}
interface CheckDef {
  check: string;
  value?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
}
type Schema = z.ZodType & { _zod: { def: Def } };

const defOf = (s: Schema): Def => s._zod.def;
const metaOf = (s: Schema): DocMeta => (s.meta() ?? {}) as DocMeta;
const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;

/** Peels the wrappers that do not change what a reader writes, collecting their metadata. */
function unwrap(schema: Schema): {
  core: Schema;
  meta: DocMeta;
  optional: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
} {
  let s = schema;
  let meta: DocMeta = {};
  let optional = false;
  let hasDefault = false;
  let defaultValue: unknown;
  for (;;) {
    // The outermost description wins: `.describe()` on a field overrides a shared schema's.
    meta = { ...metaOf(s), ...meta };
    const d = defOf(s);
    if (d.type === "default" || d.type === "prefault") {
      if (!hasDefault) defaultValue = d.defaultValue;
      hasDefault = true;
      s = d.innerType!;
    } else if (d.type === "optional" || d.type === "nullable") {
      optional = true;
      s = d.innerType!;
    } else if (d.type === "readonly" || d.type === "catch" || d.type === "nonoptional") {
      s = d.innerType!;
    } else if (d.type === "pipe") {
      // z.preprocess(fn, schema) is a pipe from a transform: the reader writes the target type.
      s = defOf(d.in!).type === "transform" ? d.out! : d.in!;
    } else return { core: s, meta, optional, hasDefault, defaultValue };
  }
}

function checks(s: Schema): CheckDef[] {
  return (defOf(s).checks ?? []).map((c) => c._zod.def);
}

function bounds(s: Schema, unit: string): string {
  let min: number | undefined;
  let max: number | undefined;
  for (const c of checks(s)) {
    if (c.check === "greater_than" || c.check === "min_length") min = c.value ?? c.minimum;
    if (c.check === "less_than" || c.check === "max_length") max = c.value ?? c.maximum;
  }
  if (min !== undefined && max !== undefined) return `, ${min}-${max}${unit}`;
  if (min !== undefined) return `, at least ${min}${unit}`;
  if (max !== undefined) return `, at most ${max}${unit}`;
  return "";
}

/** The type as a reader writes it in YAML. Throws on a zod type it cannot spell. */
export function typeOf(schema: Schema, key: string): string {
  const { core, meta } = unwrap(schema);
  const d = defOf(core);
  switch (d.type) {
    case "string":
      return meta.format ?? "string";
    case "number": {
      const isInt = checks(core).some((c) => c.check === "number_format" && /int/.test(c.format!));
      return `${isInt ? "integer" : "number"}${bounds(core, "")}`;
    }
    case "boolean":
      return "boolean";
    case "enum":
      return Object.values(d.entries!).map(code).join(" \\| ");
    case "literal":
      return d.values!.map(code).join(" \\| ");
    case "array": {
      const n = bounds(core, "").replace(/^, /, "");
      return `list of ${typeOf(d.element!, `${key}[]`)}${n ? ` (${n})` : ""}`;
    }
    case "object":
      return meta.format ?? "object";
    case "union":
      return d.discriminator
        ? `object, by \`${d.discriminator}\``
        : d.options!.map((o) => typeOf(o, key)).join(" or ");
    case "record":
      return `map of ${typeOf(d.keyType!, key)} to ${typeOf(d.valueType!, key)}`;
    default:
      throw new Error(
        `config/docsTable.ts cannot spell the zod type '${d.type}' of ${key}; teach typeOf() it.`,
      );
  }
}

function defaultOf(u: ReturnType<typeof unwrap>, isObject: boolean): string {
  if (u.meta.defaultText !== undefined) return u.meta.defaultText;
  if (!u.hasDefault) return u.optional ? "none" : "**required**";
  if (isObject) {
    // An object whose default is what its own keys' defaults make needs no second copy here.
    const own = u.core.safeParse({});
    if (own.success && JSON.stringify(own.data) === JSON.stringify(u.defaultValue)) {
      return "its keys' defaults";
    }
  }
  return code(u.defaultValue);
}

/** Every key of the schema, depth first, in the schema's order. */
export function configKeys(schema: Schema = drConfigSchema as unknown as Schema): ConfigKeyDoc[] {
  const out: ConfigKeyDoc[] = [];
  const visit = (s: Schema, key: string, prefix = "") => {
    const u = unwrap(s);
    const d = defOf(u.core);
    const isObject = d.type === "object" || (d.type === "union" && !!d.discriminator);
    const description = u.meta.description && prefix + u.meta.description;
    out.push({ key, type: typeOf(s, key), default: defaultOf(u, isObject), description });
    children(u.core, key);
  };
  const children = (core: Schema, key: string) => {
    const d = defOf(core);
    if (d.type === "object") {
      for (const [k, v] of Object.entries(d.shape!)) visit(v, `${key}.${k}`);
    } else if (d.type === "array") {
      children(unwrap(d.element!).core, `${key}[]`);
    } else if (d.type === "union" && d.discriminator) {
      const tag = d.discriminator;
      const variants = d.options!.map((o) => unwrap(o).core);
      const tags = variants.map((v) => unwrap(defOf(v).shape![tag]));
      out.push({
        key: `${key}.${tag}`,
        type: variants.map((v) => typeOf(defOf(v).shape![tag], key)).join(" \\| "),
        default: "**required**",
        description: tags.map((t) => t.meta.description).find((t) => t !== undefined),
      });
      for (const v of variants) {
        const which = typeOf(defOf(v).shape![tag], key);
        for (const [k, field] of Object.entries(defOf(v).shape!)) {
          if (k !== tag)
            visit(field, `${key}.${k}`, `With \`${tag}: ${which.replace(/`/g, "")}\`: `);
        }
      }
    }
  };
  for (const [k, v] of Object.entries(defOf(schema).shape!)) {
    visit(v, k.includes(":") ? k : `dr:${k}`);
  }
  return out;
}

/** Keys a reader would find without a description: each needs `.describe("...")` in the schema. */
export function undescribedKeys(): string[] {
  return configKeys()
    .filter((k) => !k.description)
    .map((k) => k.key);
}

export function configTable(): string {
  const cell = (s: string) => s.replace(/(?<!\\)\|/g, "\\|").replace(/\s*\n\s*/g, " ");
  return [
    "| key | type | default | description |",
    "| --- | --- | --- | --- |",
    ...configKeys().map(
      (k) => `| \`${k.key}\` | ${k.type} | ${k.default} | ${cell(k.description ?? "")} |`,
    ),
  ].join("\n");
}

if (require.main === module) console.log(configTable());
