import { apiAccessCidrProblem } from "./apiAccess";
import { cidrsOverlap, parseCidr } from "./cidr";
import { regionCode } from "./regions";
import { drConfigSchema, ParsedDrConfig } from "./schema";
import { DR_TIERS, DrTier } from "./tiers";
import { fromZodIssues, InputIssue, InputValidationError } from "../validation/issues";
import { closestName } from "../validation/spelling";
import { rtoBudget, RtoBudget } from "../budget/rto";

/** The project namespace of every config key but `aws:region`. */
export const CONFIG_NAMESPACE = "dr";

export type CellRole = "home" | "joiner";

export interface PeerCell {
  /** As written in config. */
  stack: string;
  region: string;
  cidr: string;
}

/** Validated, defaulted configuration of one cell, plus the values derived from it. */
export type DrConfig = Omit<ParsedDrConfig, "aws:region" | "cell" | "tier" | "targets"> & {
  stackName: string;
  region: string;
  /** Short cell name used in regional resource names. Defaults to the region code (`use1`). */
  cell: string;
  tier: DrTier;
  /** The home stack creates the global objects; every other stack joins them. */
  role: CellRole;
  targets: { rtoSeconds: number; rpoSeconds: number };
  budget: RtoBudget;
  peers: PeerCell[];
};

/**
 * Validates a stack's raw config (`{"aws:region": ..., "dr:app": ..., ...}`, the shape of
 * `pulumi.runtime.allConfig()` and of a stack YAML's `config:` block). Throws an
 * InputValidationError listing every problem, each naming the key and the fix; nothing
 * should be created from a config that fails here.
 */
export function loadDrConfig(stackName: string, raw: Record<string, unknown>): DrConfig {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "aws:region") input[key] = value;
    else if (key.startsWith(`${CONFIG_NAMESPACE}:`)) {
      input[key.slice(CONFIG_NAMESPACE.length + 1)] = parseConfigValue(value);
    }
  }
  const keyFor = (path: ReadonlyArray<PropertyKey>) => configKey(path);
  const unknown = unknownKeyIssues(input);
  for (const issue of unknown) delete input[issue.key.slice(CONFIG_NAMESPACE.length + 1)];
  const parsed = drConfigSchema.safeParse(input);
  if (!parsed.success || unknown.length > 0) {
    throw new InputValidationError(`Config of stack ${stackName}`, [
      ...unknown,
      ...(parsed.success ? [] : fromZodIssues(parsed.error.issues, keyFor)),
    ]);
  }
  const c = parsed.data;
  const issues = crossFieldIssues(stackName, c);
  if (issues.length > 0) throw new InputValidationError(`Config of stack ${stackName}`, issues);

  const tier = c.tier as DrTier;
  const targets = {
    rtoSeconds: c.targets.rtoSeconds ?? DR_TIERS[tier].rtoSeconds,
    rpoSeconds: c.targets.rpoSeconds ?? DR_TIERS[tier].rpoSeconds,
  };
  const region = c["aws:region"];
  const { "aws:region": _region, ...rest } = c;
  return {
    ...rest,
    stackName,
    region,
    cell: c.cell ?? regionCode(region),
    tier,
    role: c.homeRegion === region ? "home" : "joiner",
    targets,
    budget: rtoBudget({
      healthCheckIntervalSeconds: c.dns.healthCheckIntervalSeconds,
      healthCheckFailureThreshold: c.dns.healthCheckFailureThreshold,
      dnsTtlSeconds: c.dns.ttlSeconds,
      promotionSeconds: c.aurora.promotionSeconds,
      trafficSwitch: c.trafficSwitch.type,
    }),
  };
}

/** `["dns", "ttlSeconds"]` -> `dr:dns.ttlSeconds`; `aws:region` stays as it is. */
export function configKey(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return `${CONFIG_NAMESPACE}:<root>`;
  const [head, ...rest] = path;
  let key = head === "aws:region" ? "aws:region" : `${CONFIG_NAMESPACE}:${String(head)}`;
  for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return key;
}

/**
 * Top-level keys the schema does not know, each with the likely fix: a dotted key written as
 * docs/configuration.md's table spells it (`dr:dns.ttlSeconds: 20` at the top of a stack file) is a nested
 * setting; a near miss (`dr:tire`) is probably a typo.
 */
function unknownKeyIssues(input: Record<string, unknown>): InputIssue[] {
  const known = Object.keys(drConfigSchema.shape).filter((k) => k !== "aws:region");
  const issues: InputIssue[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key === "aws:region" || known.includes(key)) continue;
    const full = `${CONFIG_NAMESPACE}:${key}`;
    const head = key.split(".")[0];
    if (key.includes(".") && known.includes(head)) {
      const shown = typeof value === "string" ? value : JSON.stringify(value);
      issues.push({
        key: full,
        message: `a dotted key is a path inside ${CONFIG_NAMESPACE}:${head}, not a key of its own; nest it under '${CONFIG_NAMESPACE}:${head}:' in the stack file, or run: pulumi config set --path '${full}' ${shown}`,
      });
      continue;
    }
    const near = closestName(key, known, 2, { ignoreCase: true });
    issues.push({
      key: full,
      message: near
        ? `is not a known setting; did you mean ${CONFIG_NAMESPACE}:${near}?`
        : "is not a known setting; remove it or check its spelling against docs/configuration.md.",
    });
  }
  return issues;
}

/** Structured values arrive from `allConfig()` as JSON text; scalars stay strings. */
function parseConfigValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

function crossFieldIssues(stackName: string, c: ParsedDrConfig): InputIssue[] {
  const issues: InputIssue[] = [];
  const region = c["aws:region"];
  const stackRegions = [region, ...c.peers.map((p) => p.region)];
  if (!stackRegions.includes(c.homeRegion)) {
    issues.push({
      key: "dr:homeRegion",
      message: `'${c.homeRegion}' is no stack's region (this stack: ${region}; peers: ${c.peers
        .map((p) => p.region)
        .join(", ")}). Set it to the region of the stack that owns the global objects.`,
    });
  }
  const own = parseCidr(c.network.cidr);
  const seenRegions = new Set<string>([region]);
  c.peers.forEach((peer, i) => {
    const key = `dr:peers[${i}]`;
    if (peer.stack === stackName || peer.stack.endsWith(`/${stackName}`)) {
      issues.push({
        key: `${key}.stack`,
        message: `names this stack (${stackName}); list only the other cells.`,
      });
    }
    if (seenRegions.has(peer.region)) {
      issues.push({
        key: `${key}.region`,
        message:
          peer.region === region
            ? `is this stack's own region (${region}); a peer cell must be in another region.`
            : `${peer.region} is listed twice; one cell per region.`,
      });
    }
    seenRegions.add(peer.region);
    const theirs = parseCidr(peer.cidr);
    if (own && theirs && cidrsOverlap(own, theirs)) {
      issues.push({
        key: `${key}.cidr`,
        message: `${peer.cidr} overlaps this cell's dr:network.cidr ${c.network.cidr}; give every cell its own block (e.g. 10.10.0.0/16, 10.20.0.0/16).`,
      });
    }
    c.peers.slice(0, i).forEach((other, j) => {
      const o = parseCidr(other.cidr);
      if (o && theirs && cidrsOverlap(o, theirs)) {
        issues.push({
          key: `${key}.cidr`,
          message: `${peer.cidr} overlaps dr:peers[${j}].cidr ${other.cidr}; give every cell its own block.`,
        });
      }
    });
  });
  const { minNodes, desiredNodes, maxNodes } = c.eks;
  if (!(minNodes <= desiredNodes && desiredNodes <= maxNodes)) {
    issues.push({
      key: "dr:eks",
      message: `needs minNodes <= desiredNodes <= maxNodes (got ${minNodes}, ${desiredNodes}, ${maxNodes}).`,
    });
  }
  c.eks.publicAccessCidrs.forEach((cidr, i) => {
    const problem = apiAccessCidrProblem(cidr, c.eks.allowApiFromAnywhere);
    if (problem) issues.push({ key: `dr:eks.publicAccessCidrs[${i}]`, message: problem });
  });
  duplicates(c.dynamodb.tables.map((t) => t.name)).forEach((n) =>
    issues.push({
      key: "dr:dynamodb.tables",
      message: `table '${n}' is listed twice; table names must be unique.`,
    }),
  );
  duplicates(c.msk.topics).forEach((n) =>
    issues.push({ key: "dr:msk.topics", message: `topic '${n}' is listed twice.` }),
  );
  const sw = c.trafficSwitch;
  if (sw.type === "cloudwatch-gate") {
    sw.witnessRegions.forEach((w, i) => {
      if (stackRegions.includes(w)) {
        issues.push({
          key: `dr:trafficSwitch.witnessRegions[${i}]`,
          message: `${w} is a cell's region; a witness region must hold no cell (pick another region, e.g. us-west-2).`,
        });
      } else if (sw.witnessRegions.indexOf(w) !== i) {
        issues.push({
          key: `dr:trafficSwitch.witnessRegions[${i}]`,
          message: `${w} is listed twice; list each witness region once.`,
        });
      }
    });
    const gateRegions = new Set([...stackRegions, ...sw.witnessRegions]);
    if (gateRegions.size < 3) {
      issues.push({
        key: "dr:trafficSwitch.witnessRegions",
        message:
          `gives ${gateRegions.size} writer-gate regions (${[...gateRegions].join(", ")}); a majority ` +
          "that no single region's loss can decide needs 3. Add a region that holds no cell, e.g. " +
          "'pulumi config set --path dr:trafficSwitch.witnessRegions[0] us-west-2' (docs/architecture.md: writer routing).",
      });
    }
  }
  // The API names share the zone with the load balancer's names and the cells' names.
  const cellLabel = c.cell ?? regionCode(region);
  const taken: Record<string, string> = {
    [c.dns.serviceName]: "dr:dns.serviceName",
    [c.dns.writerName]: "dr:dns.writerName",
    [cellLabel]: "the cell's name (dr:cell)",
  };
  for (const key of ["serviceName", "writerName"] as const) {
    const label = c.api[key];
    const clash = taken[label] ?? (label.endsWith(`-${cellLabel}`) ? "the cell's API name" : "");
    if (clash) {
      issues.push({
        key: `dr:api.${key}`,
        message: `'${label}' is already ${clash}; give the API its own name, e.g. ${key === "serviceName" ? "gateway" : "gateway-writer"}.`,
      });
    }
    taken[label] = `dr:api.${key}`;
  }
  const apiCert = c.api.certificateArn ?? c.dns.certificateArn;
  const certRegion = apiCert.split(":")[3];
  if (certRegion !== region) {
    issues.push({
      key: c.api.certificateArn ? "dr:api.certificateArn" : "dr:dns.certificateArn",
      message: `is in ${certRegion}; a regional API custom domain needs an ACM certificate in this stack's region (${region})${c.api.certificateArn ? "" : ": set dr:api.certificateArn"}.`,
    });
  }
  if (c.dns.serviceName === c.dns.writerName) {
    issues.push({
      key: "dr:dns.writerName",
      message: `equals dr:dns.serviceName ('${c.dns.serviceName}'); the latency name and the failover writer name must differ.`,
    });
  }
  issues.push(...edgeNameIssues(c));
  return issues;
}

/** The edge's name is a record of its own in the zone: no other name of the cells may be it. */
function edgeNameIssues(c: ParsedDrConfig): InputIssue[] {
  const taken: [string, string][] = [
    ["dr:dns.serviceName", c.dns.serviceName],
    ["dr:dns.writerName", c.dns.writerName],
    ["dr:api.serviceName", c.api.serviceName],
    ["dr:api.writerName", c.api.writerName],
    ["dr:cell", c.cell ?? regionCode(c["aws:region"])],
  ];
  const clash = taken.find(([, v]) => v === c.edge.name);
  if (!clash) return [];
  return [
    {
      key: "dr:edge.name",
      message: `'${c.edge.name}' is also ${clash[0]}; the edge needs a name of its own in the zone (its origins are the service and writer names). Pick another, e.g. www.`,
    },
  ];
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}
