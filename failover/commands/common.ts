import { Command, Option } from "commander";
import { isAwsRegion } from "../../config/regions";
import { DrManifest } from "../../manifest";
import { AdapterOptions, Adapters, ArcEndpoint, Region } from "../adapters/types";
import { CliDeps } from "../cli/deps";
import { UserError } from "../cli/errors";
import { DEFAULT_MANIFEST_DIR, loadManifests } from "../cli/manifests";
import { buildTopology, LoadedManifest, Topology } from "../runbooks/topology";

export interface CommonOptions {
  manifest: string[];
  profile?: string;
  json?: boolean;
  arcEndpoints?: string;
  maxManifestAge?: number;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveNumber(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) {
      throw new UserError(
        `${flag} '${value}' is not a number`,
        `pass ${flag} <number>, e.g. ${flag} 5.`,
      );
    }
    return n;
  };
}

/** Options every subcommand takes. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--manifest <file-or-dir>",
        "DR manifest file (pulumi stack output --json) or a directory of them; repeatable",
      )
        .argParser(collect)
        .default([], `./${DEFAULT_MANIFEST_DIR}/`),
    )
    .option("--profile <name>", "AWS profile (default: the standard credential chain)")
    .option("--json", "print one JSON document on stdout (progress goes to stderr)")
    .option(
      "--arc-endpoints <list>",
      "ARC cluster data-plane endpoints as region=url,... (needed for arc-routing-control; env FAILOVER_ARC_ENDPOINTS)",
    )
    .addOption(
      new Option(
        "--max-manifest-age <days>",
        "refuse manifests older than this many days (default: 30)",
      ).argParser(positiveNumber("--max-manifest-age")),
    );
}

export function parseArcEndpoints(text: string | undefined): ArcEndpoint[] | undefined {
  if (!text) return undefined;
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      // https only, except plain http to a loopback address (a local emulator or proxy).
      const m =
        /^([a-z]{2}(?:-[a-z]+)+-\d)=(https:\/\/\S+|http:\/\/(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?(?:\/\S*)?)$/.exec(
          entry,
        );
      if (!m) {
        throw new UserError(
          `--arc-endpoints entry '${entry}' is not region=https://url`,
          "pass the cluster's endpoints as us-east-1=https://host1.route53-recovery-cluster.us-east-1.amazonaws.com/v1,...; get them once with 'aws route53-recovery-control-config describe-cluster' while the control plane is up.",
        );
      }
      return { region: m[1], url: m[2] };
    });
}

export interface Loaded {
  loaded: LoadedManifest[];
  topology: Topology;
  adapters: Adapters;
  arcEndpoints?: ArcEndpoint[];
}

/** Reads and checks the manifests, builds the adapters. Bad input throws before any AWS call. */
export function loadInputs(
  opts: CommonOptions,
  deps: CliDeps,
  adapterOptions: Pick<AdapterOptions, "requestTimeoutMs"> = {},
): Loaded {
  const loaded = loadManifests(opts.manifest ?? [], deps.cwd);
  const topology = buildTopology(loaded, {
    nowMs: deps.clock.now(),
    maxAgeDays: opts.maxManifestAge,
  });
  return fromTopology(topology, loaded, opts, deps, adapterOptions);
}

/** The same, from manifests already checked (a resumed run's journal holds them). */
export function fromManifests(
  manifests: { manifest: DrManifest; source: string }[],
  opts: CommonOptions,
  deps: CliDeps,
): Loaded {
  // The journal's manifests were current when the run started; age does not apply to a resume.
  const topology = buildTopology(manifests, { nowMs: deps.clock.now(), maxAgeDays: Infinity });
  return fromTopology(topology, manifests, opts, deps);
}

function fromTopology(
  topology: Topology,
  loaded: LoadedManifest[],
  opts: CommonOptions,
  deps: CliDeps,
  adapterOptions: Pick<AdapterOptions, "requestTimeoutMs"> = {},
): Loaded {
  const arcEndpoints = parseArcEndpoints(opts.arcEndpoints ?? deps.env.FAILOVER_ARC_ENDPOINTS);
  const arcCells = [...topology.cells.values()].filter(
    (m) => m.traffic.switch.type === "arc-routing-control",
  );
  if (arcCells.length > 0 && !arcEndpoints?.length) {
    throw new UserError(
      `cells ${arcCells.map((m) => m.cell).join(", ")} use ARC routing controls but no cluster endpoints were given`,
      "pass --arc-endpoints region=url,... (or set FAILOVER_ARC_ENDPOINTS); DescribeCluster is a control-plane call, so record the endpoints ahead of an outage.",
    );
  }
  const adapters = deps.adapters({
    profile: opts.profile ?? deps.env.AWS_PROFILE,
    arcEndpoints,
    ...adapterOptions,
  });
  return { loaded, topology, adapters, arcEndpoints };
}

/** `--to` must be a real region with a manifest. */
export function checkTargetRegion(to: string, topology: Topology, flag = "--to"): Region {
  if (!isAwsRegion(to)) {
    throw new UserError(
      `${flag} '${to}' is not an AWS region`,
      `pass one of the manifests' regions: ${topology.regions.join(", ")}.`,
    );
  }
  if (!topology.cells.has(to)) {
    throw new UserError(
      `${flag} ${to} has no DR manifest (the manifests cover ${topology.regions.join(", ")})`,
      `add its manifest with --manifest manifests/<stack>.json, or pick one of ${topology.regions.join(", ")}.`,
    );
  }
  return to;
}

/** State-changing commands need the control table everywhere: fencing depends on it. */
export function requireControlTables(topology: Topology): void {
  for (const [region, m] of topology.cells) {
    if (!m.stores.controlTable) {
      throw new UserError(
        `${topology.sources.get(region)}: stores.controlTable is null, so writes cannot be fenced`,
        `run 'pulumi up' on stack ${m.stack} (it creates the DR control table once its peers exist) and re-export the manifest.`,
      );
    }
  }
}

export function writeJson(deps: CliDeps, value: unknown): void {
  deps.stdout.write(JSON.stringify(value, null, 2) + "\n");
}
