/**
 * Prints the policy table of the README (The DR policy pack) from the policies themselves, so the docs
 * cannot drift: `npx tsx policies/docsTable.ts`. Each description's first sentence is what
 * the policy checks, the rest is why it matters.
 */
import { z } from "zod";
import { configSchemaOf, typesOf } from "./lib/policy";
import { DR_POLICIES } from "./pack";

export function policyTable(): string {
  const rows = DR_POLICIES.map((p) => {
    const [what, ...why] = p.description.split(/(?<=\.) /);
    const shape = configSchemaOf(p).shape as Record<string, z.ZodType>;
    const settings = Object.keys(shape)
      .map((k) => {
        const parsed = configSchemaOf(p).safeParse({});
        const def = parsed.success ? (parsed.data as Record<string, unknown>)[k] : undefined;
        return def === undefined || (Array.isArray(def) && def.length === 0)
          ? `\`${k}\``
          : `\`${k}\` (${JSON.stringify(def)})`;
      })
      .join(", ");
    const kind = typesOf(p) ? "resource" : "stack";
    const cell = (s: string) => s.replace(/\|/g, "\\|");
    return `| \`${p.name}\` | ${kind} | ${cell(what)} | ${cell(why.join(" "))} | ${p.enforcementLevel} | ${settings || "-"} |`;
  });
  return [
    "| Policy | Kind | What it checks | Why it matters for DR | Default level | Settings (default) |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

if (require.main === module) console.log(policyTable());
