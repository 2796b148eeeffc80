/**
 * The policy table of docs/policies.md, built from the policies themselves so the docs cannot
 * drift: `npm run docs` writes it (docs/generate.ts), `npx tsx policies/docsTable.ts` prints
 * it. Each description's first sentence is what the policy checks, the rest is why it matters.
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

/** The counts sentence above the table. */
export function policyCounts(): string {
  const resource = DR_POLICIES.filter((p) => typesOf(p) !== undefined).length;
  const mandatory = DR_POLICIES.filter((p) => p.enforcementLevel === "mandatory").length;
  const total = DR_POLICIES.length;
  return (
    `**${total} policies**: ${resource} resource policies and ${total - resource} stack policies; ` +
    `${mandatory} are \`mandatory\` by default (a violation means data loss, a failed failover ` +
    `or exposure of the replicated data), ${total - mandatory} are \`advisory\` (hygiene that ` +
    `can be fixed in place later). Every level is configurable.`
  );
}

if (require.main === module) console.log(policyTable());
