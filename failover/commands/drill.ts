import * as path from "path";
import { Command, Option } from "commander";
import { DrManifest } from "../../manifest";
import { CliDeps } from "../cli/deps";
import { RunFailedError, UserError } from "../cli/errors";
import { RANDOM_FAULTS, randomFaults } from "../drill/faults";
import { DrillResult, runDrill, ScenarioName, SCENARIOS } from "../drill/harness";
import { MAX_FAULT_SECONDS, readFaultsFile, shiftFault } from "../drill/options";
import { drillSummary, drillVerdict, renderText, writeDrillReport } from "../drill/report";
import { referenceSeconds } from "../drill/scenario";
import { buildTopology, resolveCurrentState } from "../runbooks";
import { loadManifests } from "../cli/manifests";
import { requireSource } from "../cli/packageRoot";
import { Rng } from "../simulator/rng";
import { addCommonOptions, CommonOptions, loadInputs } from "./common";
import { addRunOptions, executeRun, RunCommandOptions } from "./run";

export const DEFAULT_DRILL_REPORT_DIR = "reports/drill";
const WARMUP_SECONDS = 60;

interface DrillOptions extends CommonOptions {
  simulate?: boolean;
  scenario?: string;
  seed: number;
  to?: string;
  report: string;
  offline?: boolean;
  faults?: string;
  randomFaults?: number;
  crashAt?: number[];
  reactionSeconds?: number;
  healAt?: number;
  yes?: boolean;
}

const integer = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(
      `${flag} '${v}' is not a whole number`,
      `pass ${flag} <n>, e.g. ${flag} 7.`,
    );
  }
  return n;
};

const seconds = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_FAULT_SECONDS) {
    throw new UserError(
      `${flag} '${v}' is not a time in the drill`,
      `pass seconds from the drill's time zero (the fault), above 0 and at most ${MAX_FAULT_SECONDS}, e.g. ${flag} 90.`,
    );
  }
  return n;
};

const integerList = (flag: string) => (v: string) =>
  v
    .split(",")
    .filter(Boolean)
    .map((x) => integer(flag)(x.trim()));

/**
 * `failover drill`: rehearse a regional disaster. With --simulate it runs the real engine and
 * runbooks against the region simulator (no AWS account, no bill) and measures RTO and RPO;
 * without it, it switches the writer over to a peer and back on AWS, behind an approval gate.
 */
export function registerDrill(program: Command, deps: CliDeps): void {
  const cmd = program
    .command("drill")
    .description(
      "Rehearse a regional disaster: --simulate runs a scenario on the region simulator (real engine, virtual time) and reports RTO/RPO per store against the manifests' targets; without --simulate it switches over to a peer and back on AWS.",
    )
    .option("--simulate", "run on the region simulator instead of AWS")
    .addOption(
      new Option(
        "--scenario <name>",
        "what to rehearse (AWS runs support switchover only)",
      ).choices([...SCENARIOS]),
    )
    .addOption(
      new Option("--seed <n>", "simulator seed: the same seed replays the same run")
        .argParser(integer("--seed"))
        .default(1),
    )
    .option("--to <region>", "the region that takes over (default: the first peer of the writer)")
    .option(
      "--report <dir>",
      "where drill.json, drill.md and timeline.svg are written",
      DEFAULT_DRILL_REPORT_DIR,
    )
    .option(
      "--offline",
      "simulate the shipped stacks' manifests, rendered offline (no manifest files needed)",
    )
    .option(
      "--faults <file>",
      "extra faults at chosen times: a JSON list (see the README (Drills))",
    )
    .addOption(
      new Option("--random-faults <count>", "extra faults drawn at random from the seed").argParser(
        integer("--random-faults"),
      ),
    )
    .addOption(
      new Option(
        "--crash-at <n,...>",
        "crash the operator at these journal writes; the drill resumes with --resume",
      ).argParser(integerList("--crash-at")),
    )
    .addOption(
      new Option(
        "--reaction-seconds <s>",
        "operator delay after detection (default: 0, or 30 for a brownout)",
      ).argParser(integer("--reaction-seconds")),
    )
    .addOption(
      new Option(
        "--heal-at <s>",
        "the scenario's fault ends this many seconds after it started: the failed region returns (maybe during the failover)",
      ).argParser(seconds("--heal-at")),
    )
    .option("--yes", "AWS drills: approve without asking");
  addCommonOptions(cmd).action((opts: DrillOptions) =>
    opts.simulate ? simulate(opts, deps) : drillOnAws(opts, deps),
  );
}

async function simulate(opts: DrillOptions, deps: CliDeps): Promise<void> {
  const scenario = (opts.scenario ?? "region-outage") as ScenarioName;
  const manifests = await drillManifests(opts, deps);
  const regions = manifests.map((m) => m.region);
  if (opts.to !== undefined && !regions.includes(opts.to)) {
    throw new UserError(
      `--to ${opts.to} has no DR manifest (the manifests cover ${regions.join(", ")})`,
      `pick one of ${regions.join(", ")}.`,
    );
  }
  const writer = manifests[0].homeRegion;
  if (opts.to === writer) {
    throw new UserError(
      `--to ${opts.to} is the region that writes when the drill starts`,
      `pick a peer: ${regions.filter((r) => r !== writer).join(", ")}.`,
    );
  }
  if (opts.healAt !== undefined && scenario === "switchover") {
    throw new UserError(
      "--heal-at ends the scenario's fault, and a switchover has none",
      "drop --heal-at, or pick --scenario region-outage, partition or brownout (or give faults with 'until' in --faults).",
    );
  }
  // Faults files, the report and the picture count from one time zero: the fault, or the command.
  const reference = referenceSeconds(scenario, WARMUP_SECONDS, opts.reactionSeconds);
  const fileFaults = opts.faults
    ? readFaultsFile(path.resolve(deps.cwd, opts.faults), regions)
    : [];
  const faults = [
    ...fileFaults.map((f) => shiftFault(f, reference)),
    ...(opts.randomFaults
      ? randomFaults(new Rng(opts.seed).fork("random-faults"), regions, {
          count: opts.randomFaults,
          from: WARMUP_SECONDS,
          ...RANDOM_FAULTS,
        })
      : []),
  ];
  let result: DrillResult;
  try {
    result = await runDrill({
      manifests,
      scenario,
      seed: opts.seed,
      to: opts.to,
      faults,
      crashes: opts.crashAt,
      warmupSeconds: WARMUP_SECONDS,
      reactionSeconds: opts.reactionSeconds,
      scenarioUntil: opts.healAt === undefined ? undefined : reference + opts.healAt,
    });
  } catch (e) {
    if (e instanceof Error && /at least two regions/.test(e.message)) {
      throw new UserError(
        "a drill needs the manifests of at least two regions",
        "pass every stack's manifest with --manifest.",
      );
    }
    throw e;
  }
  const dir = path.resolve(deps.cwd, opts.report);
  const writing = deps.writeReports !== false;
  // The replay reads the faults from the report's own copy: editing the original changes nothing.
  const faultsCopy = path.join(opts.report, "faults.json");
  const replay = replayCommand(opts, scenario, result.to, {
    faultsFile: fileFaults.length === 0 ? undefined : writing ? faultsCopy : opts.faults,
  });
  const files = writing
    ? writeDrillReport(result, dir, { replay, fileFaults }).map((f) => path.relative(deps.cwd, f))
    : [];
  if (opts.json) {
    deps.stdout.write(JSON.stringify(drillSummary(result), null, 2) + "\n");
  } else {
    deps.stdout.write(renderText(result, replay));
    if (files.length) deps.stdout.write(`report: ${files.join(", ")}\n`);
  }
  const verdict = drillVerdict(result);
  if (!verdict.ok) {
    throw new RunFailedError(
      `drill ${scenario} (seed ${opts.seed}) failed: ${verdict.problems.join("; ")}`,
      `replay it with '${replay}' and read ${path.join(opts.report, "drill.md")}.`,
    );
  }
}

/**
 * The command that runs this drill again, to the event: every flag that changes the run, the
 * target as resolved, and the faults file (the report's copy of it).
 */
export function replayCommand(
  opts: DrillOptions,
  scenario: ScenarioName,
  to: string,
  o: { faultsFile?: string },
): string {
  const args = ["failover", "drill", "--simulate", "--scenario", scenario];
  args.push("--seed", String(opts.seed), "--to", to);
  if (opts.offline) args.push("--offline");
  for (const m of opts.manifest) args.push("--manifest", m);
  if (opts.maxManifestAge !== undefined)
    args.push("--max-manifest-age", String(opts.maxManifestAge));
  if (o.faultsFile !== undefined) args.push("--faults", o.faultsFile);
  if (opts.randomFaults) args.push("--random-faults", String(opts.randomFaults));
  if (opts.crashAt?.length) args.push("--crash-at", opts.crashAt.join(","));
  if (opts.reactionSeconds !== undefined)
    args.push("--reaction-seconds", String(opts.reactionSeconds));
  if (opts.healAt !== undefined) args.push("--heal-at", String(opts.healAt));
  if (opts.report !== DEFAULT_DRILL_REPORT_DIR) args.push("--report", opts.report);
  return args.map(shellQuote).join(" ");
}

/** POSIX shell quoting, only where a word needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

async function drillManifests(opts: DrillOptions, deps: CliDeps): Promise<DrManifest[]> {
  if (opts.offline) {
    if (opts.manifest.length > 0) {
      throw new UserError(
        "--offline and --manifest conflict",
        "drop one: --offline renders the shipped stacks, --manifest reads files.",
      );
    }
    // Loaded lazily, from the sources: rendering loads the Pulumi mock runtime, which plain drills
    // do not need, and the program finds its files relative to its sources (not the bundle's).
    const { offlineManifests } =
      requireSource<typeof import("../../plan/offlineManifests")>("plan/offlineManifests");
    return offlineManifests();
  }
  // Validated like every command's manifests, but no AWS adapters: nothing here calls AWS.
  const loaded = loadManifests(opts.manifest ?? [], deps.cwd);
  buildTopology(loaded, { nowMs: deps.clock.now(), maxAgeDays: opts.maxManifestAge });
  return loaded.map((l) => l.manifest);
}

/** On AWS: switch over to a peer and back, each a real `switchover` run with its gates. */
async function drillOnAws(opts: DrillOptions, deps: CliDeps): Promise<void> {
  if (opts.scenario !== undefined && opts.scenario !== "switchover") {
    throw new UserError(
      `--scenario ${opts.scenario} injects faults, which only the simulator can do`,
      `add --simulate, or run '--scenario switchover' to switch over to a peer and back on AWS.`,
    );
  }
  for (const flag of ["faults", "randomFaults", "crashAt", "offline"] as const) {
    if (opts[flag] !== undefined) {
      throw new UserError(
        `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --simulate`,
        "add --simulate, or drop it.",
      );
    }
  }
  if (!opts.yes && !deps.isTTY) {
    throw new UserError(
      "an AWS drill changes which region writes, and there is no terminal to approve it on",
      "run it from a terminal, or pass --yes (for automation with its own approval).",
    );
  }
  const { topology, adapters } = loadInputs(opts, deps);
  const probe =
    opts.to ?? topology.regions.find((r) => r !== topology.homeRegion) ?? topology.regions[0];
  const state = await resolveCurrentState(topology, adapters, probe);
  const home = state.writer ?? topology.homeRegion;
  const there = opts.to ?? topology.regions.find((r) => r !== home);
  if (!there || there === home) {
    throw new UserError(
      `--to ${there ?? "(none)"} is already the writer`,
      `pick a peer of ${home}: ${topology.regions.filter((r) => r !== home).join(", ")}.`,
    );
  }
  if (!opts.yes) {
    const answer = (
      await deps.prompt(
        `DRILL on AWS: switch the writer of ${topology.app} from ${home} to ${there} and back (two switchovers, RPO 0, writes refused while each runs). Type 'drill' to continue: `,
      )
    ).trim();
    if (answer !== "drill") {
      deps.stderr.write("drill cancelled; nothing was changed.\n");
      return;
    }
  }
  const common: RunCommandOptions = {
    ...opts,
    manifest: opts.manifest,
    journalDir: ".failover",
    reportDir: opts.report,
    yes: true,
  };
  const runOpts = addRunOptions(new Command(), "switchover").opts() as Partial<RunCommandOptions>;
  await executeRun("switchover", { ...runOpts, ...common, to: there }, deps);
  await executeRun("switchover", { ...runOpts, ...common, to: home }, deps);
}
