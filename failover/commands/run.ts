import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { DrManifest } from "../../manifest";
import { CliDeps } from "../cli/deps";
import { RunFailedError, UserError } from "../cli/errors";
import { paletteFor } from "../cli/colour";
import { progressPrinter } from "../cli/progress";
import { Step } from "../engine/graph";
import { FileJournalStore, JournalError, JournalStore, summarize } from "../engine/journal";
import { checkResumeHeader, isRunId, joinProblems, RUN_ID_EXAMPLE } from "../engine/journalSchema";
import { buildRunReport, renderRunMarkdown, RunReport } from "../engine/report";
import { DEFAULT_RETRY, withRetry, withTimeout } from "../engine/retry";
import { Approver, runSteps } from "../engine/runner";
import {
  buildRunbook,
  cell,
  ClaimHeldError,
  claimFor,
  claimRegions,
  DEFAULT_WRITER_LEASE_SECONDS,
  nextEpochIn,
  releaseClaim,
  resolveCurrentState,
  RunbookKind,
  RunbookParams,
  takeClaim,
  Thresholds,
} from "../runbooks";
import {
  addCommonOptions,
  checkTargetRegion,
  CommonOptions,
  fromManifests,
  Loaded,
  loadInputs,
  requireControlTables,
} from "./common";

export const DEFAULT_JOURNAL_DIR = ".failover";
export const DEFAULT_REPORT_DIR = "reports/failover";

export interface RunCommandOptions extends CommonOptions {
  to?: string;
  yes?: boolean;
  resume?: boolean;
  abandon?: string;
  allowDataLoss?: boolean;
  journalDir: string;
  reportDir: string;
  maxLagSeconds?: number;
  drainLagSeconds?: number;
  writerLeaseSeconds?: number;
  switchMarginSeconds?: number;
}

/** What the journal's run-started event holds: the runbook params plus the manifests. */
export interface JournaledParams extends RunbookParams {
  manifests: { manifest: DrManifest; source: string }[];
}

const num = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    throw new UserError(`${flag} '${v}' is not a number of seconds`, `pass ${flag} <seconds>.`);
  }
  return n;
};

/** Options of switchover, failover and failback. */
export function addRunOptions(cmd: Command, kind: RunbookKind): Command {
  addCommonOptions(cmd)
    .option("--yes", "approve every gate without asking (needed without a terminal)")
    .addOption(
      new Option("--resume", "continue the unfinished run recorded in the journal").conflicts([
        "abandon",
      ]),
    )
    .option(
      "--abandon <run-id>",
      "mark the unfinished run as abandoned, then start a new one (check 'failover status' first)",
    )
    .option("--journal-dir <dir>", "where runs are journaled", DEFAULT_JOURNAL_DIR)
    .option(
      "--report-dir <dir>",
      "where run reports (JSON + Markdown) are written",
      DEFAULT_REPORT_DIR,
    )
    .addOption(
      new Option(
        "--max-lag-seconds <s>",
        "preflight: refuse when replication lag exceeds this (default: the target's RPO target)",
      ).argParser(num("--max-lag-seconds")),
    );
  if (kind !== "failover") {
    cmd.addOption(
      new Option(
        "--drain-lag-seconds <s>",
        "drain: wait until Aurora/DynamoDB lag is at most this (default: 1)",
      ).argParser(num("--drain-lag-seconds")),
    );
  }
  cmd.addOption(
    new Option(
      "--switch-margin-seconds <s>",
      "how long to wait between closing the old writer's traffic switch and opening the target's when Route 53 cannot be asked (always on failover; default: 15)",
    ).argParser(num("--switch-margin-seconds")),
  );
  if (kind === "failover") {
    cmd.addOption(
      new Option(
        "--writer-lease-seconds <s>",
        "the writer lease your services give WriteAdmission (default: 3): the target is recorded as writer only once the failed region's lease has run out",
      ).argParser(num("--writer-lease-seconds")),
    );
  }
  // Accepted by every run command so that a wrong use gets a clear message, not "unknown option".
  cmd.option(
    "--allow-data-loss",
    kind === "failover"
      ? "required: confirms that writes not yet replicated from the failed region are lost"
      : "not valid here (planned runs lose no data); use 'failover failover'",
  );
  return cmd;
}

/** The approver: --yes approves, a terminal asks, typed confirmations must match exactly. */
function makeApprover(opts: RunCommandOptions, deps: CliDeps): Approver {
  return async ({ prompt, typed }) => {
    if (opts.yes) return true;
    const answer = (await deps.prompt(`${prompt}${typed ? `: ` : " [y/N] "}`)).trim();
    return typed ? answer === typed : /^y(es)?$/i.test(answer);
  };
}

function journalFor(opts: RunCommandOptions, deps: CliDeps): JournalStore {
  const dir = path.resolve(deps.cwd, opts.journalDir);
  return deps.journal ? deps.journal(dir) : new FileJournalStore(dir);
}

function describeActive(journal: JournalStore) {
  let active;
  try {
    active = journal.active();
  } catch (e) {
    // The journal is input: a damaged one is refused like a bad manifest, before any AWS call.
    if (e instanceof JournalError) throw new UserError(e.message, e.resolution);
    throw e;
  }
  if (!active) return undefined;
  const s = summarize(active.events);
  const p = s.header?.params as Partial<RunbookParams> | undefined;
  const where = s.lastFailure
    ? `failed at step ${s.lastFailure.id} (${s.lastFailure.error.message})`
    : s.interrupted.length > 0
      ? `was interrupted during ${s.interrupted.join(", ")}`
      : s.header
        ? `stopped after ${s.finished.size} of ${s.header.stepIds.length} steps`
        : "has no readable journal";
  return {
    active,
    summary: s,
    // Without a header, the command is the one the id was made for (ids start with it).
    command: s.header?.command ?? (isRunId(active.runId) ? active.runId.split("-")[0] : "unknown"),
    text: `run ${active.runId} (${s.header?.command ?? "?"} ${p?.from ?? "?"} -> ${p?.to ?? "?"}, started ${s.header ? new Date(s.header.at).toISOString() : "?"}${s.header?.pid ? `, pid ${s.header.pid}` : ""}) ${where}`,
  };
}

/**
 * switchover / failover / failback: validate everything, resolve who writes (read only),
 * journal the plan, run it, write the report. Every bad-input path throws UserError before
 * the first state-changing call.
 */
export async function executeRun(
  kind: RunbookKind,
  opts: RunCommandOptions,
  deps: CliDeps,
): Promise<void> {
  if (kind !== "failover" && opts.allowDataLoss) {
    throw new UserError(
      `--allow-data-loss conflicts with '${kind}', which is planned and loses no data`,
      `drop --allow-data-loss, or run 'failover failover --to <region> --allow-data-loss' if the source region is down.`,
    );
  }
  if (kind === "failover" && !opts.allowDataLoss) {
    throw new UserError(
      "failover loses the writes that had not replicated, and needs --allow-data-loss to say you accept that",
      "if the source region is healthy use 'failover switchover --to <region>' (RPO 0); otherwise add --allow-data-loss.",
    );
  }
  if (!opts.yes && !deps.isTTY) {
    throw new UserError(
      `'${kind}' changes AWS state and has approval gates, but there is no terminal to ask on`,
      "run it from a terminal, or pass --yes to approve every gate (for automation that has its own approval).",
    );
  }
  const journal = journalFor(opts, deps);
  const active = describeActive(journal);

  let loaded: Loaded;
  let params: RunbookParams;
  let runId: string;
  let resume = false;
  let runKind: RunbookKind = kind;

  if (opts.resume) {
    if (!active) {
      throw new UserError(
        `there is no unfinished run to resume in ${opts.journalDir}`,
        `start a new run with 'failover ${kind} --to <region>', or pass the --journal-dir the run used.`,
      );
    }
    if (!active.summary.header) {
      throw new UserError(
        `the journal of run ${active.active.runId} in ${opts.journalDir} cannot be read, so it cannot be resumed`,
        `check 'failover status', then move ${opts.journalDir}/active.json aside and start a new run.`,
      );
    }
    const checked = checkResumeHeader(active.summary.header);
    if (!checked.ok) {
      throw new UserError(
        `the run-started header of run ${active.active.runId} in ${journal.describe(active.active.runId)} is invalid, so the run cannot be resumed: ${joinProblems(checked.problems)}`,
        `the journal was changed after the run started; move ${opts.journalDir}/active.json aside after checking 'failover status', then start a new run.`,
      );
    }
    if (active.command !== kind) {
      throw new UserError(
        `the unfinished run is a ${active.command}, not a ${kind}: ${active.text}`,
        `resume it with 'failover ${active.command} --resume'.`,
      );
    }
    const journaled: JournaledParams = checked.params;
    if (opts.to !== undefined && opts.to !== journaled.to) {
      throw new UserError(
        `--to ${opts.to} conflicts with the run being resumed, which goes to ${journaled.to}`,
        `drop --to (a resume continues the journaled run), or abandon it with --abandon ${active.active.runId}.`,
      );
    }
    loaded = fromManifests(journaled.manifests, opts, deps);
    params = {
      kind: journaled.kind,
      from: journaled.from,
      to: journaled.to,
      epoch: journaled.epoch,
      thresholds: journaled.thresholds,
    };
    runId = active.active.runId;
    resume = true;
  } else {
    if (active && opts.abandon === undefined) {
      throw new UserError(
        `another ${active.text}`,
        `continue it with 'failover ${active.command} --resume', or, after checking 'failover status', start over with --abandon ${active.active.runId}.`,
      );
    }
    if (opts.abandon !== undefined) {
      if (!isRunId(opts.abandon)) {
        throw new UserError(
          `--abandon '${opts.abandon}' is not a run id (they look like ${RUN_ID_EXAMPLE})`,
          active ? `pass --abandon ${active.active.runId}.` : "drop --abandon.",
        );
      }
      // With no unfinished run here, --abandon takes over a run recorded elsewhere (another
      // operator's machine, or a process that died before its journal existed): the run claim
      // in the control table is taken from that run alone, or the new run stops.
      if (active && active.active.runId !== opts.abandon) {
        throw new UserError(
          `--abandon ${opts.abandon} does not match the unfinished run ${active.active.runId}`,
          `pass --abandon ${active.active.runId}.`,
        );
      }
    }
    loaded = loadInputs(opts, deps);
    const { topology, adapters } = loaded;
    requireControlTables(topology);
    const toArg =
      opts.to ??
      (kind === "failback"
        ? topology.homeRegion
        : (() => {
            throw new UserError(
              `'${kind}' needs --to <region>`,
              `pass --to, e.g. --to ${topology.regions[1] ?? topology.regions[0]}.`,
            );
          })());
    const to = checkTargetRegion(toArg, topology);
    // Read only, in the target region: on failover the failed region is never called.
    const state = await bounded(deps, "reading who writes", () =>
      resolveCurrentState(topology, adapters, to),
    );
    let from = state.writer;
    const controlWriter = state.control?.writer?.region;
    const recordedElsewhere = controlWriter !== undefined && controlWriter !== to;
    const toFenced = state.control?.fences.find((x) => x.region === to)?.fenced === true;
    if (state.writer === to && kind === "failover" && recordedElsewhere) {
      // Aurora was promoted already (an earlier, abandoned run or by hand): finish the
      // failover from the region the control table still names.
      from = controlWriter;
    } else if (
      state.writer === to &&
      kind === "switchover" &&
      (toFenced || recordedElsewhere || controlWriter === undefined)
    ) {
      // A stopped switchover left the Aurora writer without writes, or a fresh deployment has
      // never opened one (every writer gate starts closed): give them to it.
      runKind = "restore";
    } else if (state.writer === to) {
      throw new UserError(
        `${to} is already the writer (per ${state.writerSource === "aurora" ? "the Aurora global cluster" : state.writerSource === "control-table" ? "the DR control table" : "the home region"})`,
        kind === "failback"
          ? "there is nothing to fail back; pass --to another region, or run 'failover status'."
          : `pick another --to (${topology.regions.filter((r) => r !== to).join(", ")}), or run 'failover status'.`,
      );
    }
    if (!from || !topology.cells.has(from)) {
      throw new UserError(
        `the current writer ${from ?? "(none)"} has no DR manifest`,
        "pass every stack's manifest with --manifest.",
      );
    }
    const target = cell(topology, to);
    const thresholds: Thresholds = {
      maxLagSeconds: opts.maxLagSeconds ?? target.targets.rpoSeconds,
      drainLagSeconds: opts.drainLagSeconds ?? 1,
      drainMessages: 0,
      ...(kind === "failover"
        ? { writerLeaseSeconds: opts.writerLeaseSeconds ?? DEFAULT_WRITER_LEASE_SECONDS }
        : {}),
      ...(opts.switchMarginSeconds !== undefined
        ? { switchMarginSeconds: opts.switchMarginSeconds }
        : {}),
    };
    // One more than any epoch in the regions the run will claim in (the target among them).
    const claimed = claimRegions(runKind, from, to, topology.regions);
    const epoch = await bounded(deps, "reading the control table", () =>
      nextEpochIn(topology, adapters, claimed),
    );
    params = { kind: runKind, from, to, epoch, thresholds };
    runId = newRunId(kind, deps, journal);
  }

  if (params.kind === "failover") await refuseCredentialsFrom(params.from, opts, deps);

  // One run at a time, across operators: the claim is a conditional write in the control
  // table (a resume re-takes its own claim). A held claim stops here, before any change.
  const claim = claimFor(params, runId, "active", new Date(deps.clock.now()).toISOString());
  try {
    await bounded(deps, "claiming the run", () =>
      takeClaim(loaded.topology, loaded.adapters, claim, { takeOver: opts.abandon }),
    );
  } catch (e) {
    if (!(e instanceof ClaimHeldError)) throw e;
    throw new RunFailedError(
      `${kind} ${params.from} -> ${params.to} ${resume ? `run ${runId} cannot resume` : "not started"}: ${e.message}. Nothing was changed${resume ? " by this attempt" : ""}.`,
      e.holder
        ? `wait for run ${e.holder.runId} to finish ('failover status' shows it); if it is dead, take over with '--abandon ${e.holder.runId}' from the journal that ran it, or from here.`
        : "check 'failover status', then retry.",
    );
  }

  if (!resume && opts.abandon !== undefined && active) {
    journal.finish(opts.abandon, {
      type: "run-finished",
      at: deps.clock.now(),
      status: "abandoned",
    });
  }

  const steps = buildRunbook(params, { topology: loaded.topology, adapters: loaded.adapters });
  const journaledParams: JournaledParams = {
    ...params,
    manifests: loaded.loaded.map((l) => ({ manifest: l.manifest, source: l.source })),
  };
  const progress = opts.json ? deps.stderr : deps.stdout;
  const result = await runSteps({
    runId,
    command: kind,
    params: journaledParams as unknown as Record<string, unknown>,
    steps,
    journal,
    clock: deps.clock,
    random: deps.random,
    approver: makeApprover(opts, deps),
    resume,
    onEvent: progressPrinter(progress, () => deps.clock.now(), paletteFor(deps, progress)),
  });

  if (result.status === "cancelled") {
    // Declined before any change: give the claim back so the next run need not --abandon.
    await bounded(deps, "releasing the run claim", () =>
      releaseClaim(loaded.topology, loaded.adapters, { ...claim, state: "abandoned" }),
    ).catch(() => undefined);
  }
  const next =
    result.status === "succeeded"
      ? kind === "failover"
        ? `${params.from} stays fenced. When it is back, run 'failover failback --to ${params.from}'.`
        : undefined
      : result.status === "cancelled"
        ? "Nothing was changed. Start again when ready."
        : `Fix the cause, then run 'failover ${kind} --resume' (finished steps are skipped; the rest are idempotent).`;
  const report = buildRunReport(result, steps, next);
  if (params.kind === "failover") report.rpoEstimate = rpoEstimate(result.steps);
  // The report must not repeat every manifest; the journal keeps them.
  const { manifests: _m, ...reportParams } = journaledParams;
  report.params = reportParams as unknown as Record<string, unknown>;
  const files = writeReport(opts, deps, report);

  if (opts.json) {
    deps.stdout.write(JSON.stringify({ ...report, reportFiles: files }, null, 2) + "\n");
  } else {
    printSummary(deps, report, steps, files);
  }
  if (result.status !== "succeeded") {
    const f = result.failure;
    throw new RunFailedError(
      `${kind} ${params.from} -> ${params.to} ${result.status}${f ? ` at step ${f.stepId}: ${f.message}` : ""}.` +
        (f?.ifFailed ? ` State: ${f.ifFailed}` : "") +
        (f?.interrupted?.length
          ? ` Also stopped while under way: ${f.interrupted.join(", ")} (an AWS operation it started may still complete; 'failover status' shows where it got to).`
          : ""),
      next ?? "",
    );
  }
}

/**
 * A failover must not need the failed region for credentials. Role profiles are resolved in
 * each client's own region (failover/adapters/aws/client.ts); IAM Identity Center profiles sign
 * in only in their SSO region, so one that lives in the failed region is refused up front.
 */
async function refuseCredentialsFrom(
  failed: string,
  opts: RunCommandOptions,
  deps: CliDeps,
): Promise<void> {
  const profile = opts.profile ?? deps.env.AWS_PROFILE;
  if (!profile) return;
  // Loaded here only: it reads the shared config files through the SDK's parser.
  type Profiles = typeof import("../adapters/aws/profile");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const profiles: Profiles = require("../adapters/aws/profile");
  const blocking = (await profiles.credentialRegionDependencies(profile)).filter(
    (d) => d.region === failed,
  );
  if (blocking.length === 0) return;
  const d = blocking[0];
  throw new UserError(
    `profile ${profile}${d.profile !== profile ? ` (through its source profile ${d.profile})` : ""} ${d.why}, the region being failed away from: it cannot sign in during this outage`,
    `use credentials that do not depend on ${failed}: a profile whose role is assumed from static or instance credentials (--profile <name>), or keys exported from a session in another Identity Center region; see the README (Operating a failover, credentials).`,
  );
}

/** A read-only AWS step before the run: retried on transient errors, every attempt bounded. */
function bounded<T>(deps: CliDeps, what: string, fn: () => Promise<T>): Promise<T> {
  return withRetry(() => withTimeout(deps.clock, 30_000, what, fn), {
    clock: deps.clock,
    random: deps.random,
    policy: { ...DEFAULT_RETRY, maxAttempts: 4 },
  });
}

/** What a failover may have lost, from the lags its preflight read in the target region. */
function rpoEstimate(steps: { id: string; output?: unknown }[]): Record<string, unknown> {
  const out = (id: string) =>
    steps.find((s) => s.id === id)?.output as
      Record<string, number | string | undefined> | undefined;
  return {
    auroraSeconds: out("preflight.aurora")?.lagSeconds ?? "unknown",
    auroraMetric: out("preflight.aurora")?.lagMetric ?? "none published",
    mskMessages: out("preflight.msk")?.messageLag ?? "unknown",
    dynamodb: "unknown (ReplicationLatency is published in the failed region)",
  };
}

/** A run id no journaled run has used: reusing one would replay another run's finished steps. */
function newRunId(
  kind: string,
  deps: CliDeps,
  journal: { read(runId: string): unknown[] },
): string {
  const t = new Date(deps.clock.now()).toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  for (;;) {
    // 48 random bits: two operators starting in the same second must not share an id, since
    // a run re-takes a claim that carries its own id.
    const hex = () =>
      Math.floor(deps.random() * 0xffffff)
        .toString(16)
        .padStart(6, "0");
    const r = hex() + hex();
    const id = `${kind}-${t}Z-${r}`;
    if (journal.read(id).length === 0) return id;
  }
}

function writeReport(opts: RunCommandOptions, deps: CliDeps, report: RunReport): string[] {
  if (deps.writeReports === false) return [];
  const dir = path.resolve(deps.cwd, opts.reportDir);
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${report.runId}.json`);
  const md = path.join(dir, `${report.runId}.md`);
  fs.writeFileSync(json, JSON.stringify(report, null, 2) + "\n");
  fs.writeFileSync(md, renderRunMarkdown(report));
  return [path.relative(deps.cwd, json), path.relative(deps.cwd, md)];
}

function printSummary(deps: CliDeps, r: RunReport, _steps: Step[], files: string[]): void {
  const out = deps.stdout;
  out.write(
    `\n${r.command} ${r.status} in ${r.totalSeconds} s (critical path ${r.criticalPath.seconds} s: ${r.criticalPath.steps.join(" -> ")}; budget ${r.budget.seconds} s; steps in sequence would take ${r.sumOfStepsSeconds} s)\n`,
  );
  if (r.rpoEstimate) {
    const e = r.rpoEstimate;
    out.write(
      `RPO estimate: Aurora ${String(e.auroraSeconds)} s, MSK ${String(e.mskMessages)} messages, DynamoDB ${String(e.dynamodb)}\n`,
    );
  }
  for (const d of r.degraded) out.write(`DEGRADED ${d.stepId}: ${d.message}. ${d.impact}\n`);
  if (r.next) out.write(`next: ${r.next}\n`);
  if (files.length) out.write(`report: ${files.join(", ")}\n`);
}
