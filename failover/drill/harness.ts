import { buildTopology, RunbookKind } from "../runbooks";
import { Step } from "../engine/graph";
import { DrManifest } from "../../manifest";
import { ParamOverrides } from "../simulator/params";
import { Simulation } from "../simulator/simulation";
import { checkInvariants, DrillObservations, writerViolations } from "./checker";
import { describeFault, FaultSpec, scheduleFaults } from "./faults";
import {
  criticalPathBound,
  DrillStep,
  measureRpo,
  sequentialBound,
  StoreResult,
  stepsFromJournal,
} from "./measure";
import { newOperatorOutcome, runOperator } from "./operator";
import {
  awaitTrigger,
  checkWriterRecords,
  commandFor,
  defaultTarget,
  referenceSeconds,
  ScenarioName,
  scenarioFaults,
} from "./scenario";
import { assembleTimeline, faultEvents, simulatorEvents, TimelineEvent } from "./timeline";

export { OperatorCrash } from "./operator";
export { checkWriterRecords, defaultTarget, SCENARIOS, scenarioFaults } from "./scenario";
export type { ScenarioName } from "./scenario";
export type { DrillStep, StoreResult } from "./measure";
export type { TimelineEvent } from "./timeline";

/**
 * Runs one drill: a simulated deployment built from the manifests, a scenario's faults
 * (scenario.ts), the operator running the real engine and runbooks, the same `buildRunbook` +
 * `runSteps` the `failover` command runs, against simulated adapters in virtual time
 * (operator.ts), then the measures (measure.ts), the invariants (checker.ts, pure) and the
 * timeline (timeline.ts). RTO runs from the fault (or the command) to the first acknowledged
 * write in the new writer region; RPO per store counts acknowledged writes missing there when
 * the run completes.
 */

export interface DrillOptions {
  manifests: DrManifest[];
  scenario: ScenarioName;
  seed: number;
  params?: ParamOverrides;
  /** Target region. Defaults to the writer's first peer (its manifest's `peers` order). */
  to?: string;
  /** Faults added to the scenario's own (random schedules in the property tests). */
  faults?: FaultSpec[];
  /** Crash the operator process at these journal writes (1-based, counted over the drill). */
  crashes?: number[];
  /**
   * When the scenario's own fault ends, in virtual seconds (the failed region returns, maybe
   * while the failover runs). Defaults to never.
   */
  scenarioUntil?: number;
  /** Virtual seconds of steady state before the scenario starts. Defaults to 60. */
  warmupSeconds?: number;
  /** Seconds from detection to the operator starting the command. Defaults to 0 (automated). */
  reactionSeconds?: number;
  /** Seconds between a crash and the operator resuming. Defaults to 30. */
  restartSeconds?: number;
  /** Seconds between a failed run and `--resume`. Defaults to 120. */
  resumeDelaySeconds?: number;
  /** Resumes after failures (crashes are not counted). Defaults to 8. */
  maxResumes?: number;
  /** Virtual seconds after the run ends, to see the traffic settle. Defaults to 60. */
  settleSeconds?: number;
  /** What-if hook: change the runbook's step graph before it runs (experiments only). */
  transformSteps?: (steps: Step[]) => Step[];
  /** Give up after this much virtual time. Defaults to 4 hours. */
  maxVirtualSeconds?: number;
}

export interface DrillResult {
  scenario: ScenarioName;
  seed: number;
  command: RunbookKind;
  from: string;
  to: string;
  /** The regions with a cell in the drill, the writer first. */
  regions: string[];
  /** Seconds from the fault (or the command, for a switchover) to the first write in `to`. */
  rtoSeconds: number | null;
  rtoTargetSeconds: number;
  /** Lower bound on the RTO from this run's own service operations (no orchestration cost). */
  criticalPathSeconds: number | null;
  /** The same steps run one after another, each taking its measured time. */
  sequentialSeconds: number | null;
  stores: StoreResult[];
  steps: DrillStep[];
  invariants: {
    singleWriter: boolean;
    /** Never two cells' writer records healthy at once (Route 53 would answer both). */
    oneWriterRecord: boolean;
    /** Never two regions' writer-only consumers enabled at once. */
    /** Null on a failover (the failed region is never called). */
    oneConsumerRegion: boolean | null;
    /** Null when the drill ran no switchover. */
    noLostWritesOnSwitchover: boolean | null;
    converged: boolean;
  };
  run: {
    status: "succeeded" | "failed" | "crashed" | "not-started";
    resumes: number;
    crashes: number;
    failures: { stepId: string; message: string; ifFailed?: string }[];
    criticalPath: string[];
  };
  faults: { spec: FaultSpec; text: string }[];
  timeline: TimelineEvent[];
  referenceSeconds: number;
  commandStartSeconds: number | null;
  commandEndSeconds: number | null;
  writerViolations: { at: number; regions: string[] }[];
  /** When two or more writer records were healthy at once (the first 20). */
  writerRecordOverlaps: { at: number; regions: string[] }[];
  /** When two regions' writer-only consumers polled at once (the first 20). */
  consumerOverlaps: { at: number; regions: string[] }[];
  calls: { total: number; toFailedRegion: number; byService: Record<string, number> };
  sim: { virtualSeconds: number; events: number; ackedWrites: number };
  /**
   * Seconds between the replicator's last consumer-offset sync into the target and the fault
   * (or command): consumers that resume there reprocess up to this much of the stream.
   */
  mskOffsetSyncAgeSeconds: number | null;
}

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { manifests, scenario } = options;
  checkWriterRecords(manifests);
  const epochMs = Math.max(...manifests.map((m) => Date.parse(m.generatedAt))) + 3_600_000;
  const sim = new Simulation({ manifests, seed: options.seed, params: options.params, epochMs });
  const k = sim.kernel;
  const warmup = options.warmupSeconds ?? 60;
  const writer = sim.homeRegion;
  const to = options.to ?? defaultTarget(manifests, writer);
  const target = manifests.find((m) => m.region === to);
  if (!target) throw new Error(`--to ${to}: no manifest for that region`);
  const command = commandFor(scenario);
  const reference = referenceSeconds(scenario, warmup, options.reactionSeconds);
  const faults = [
    ...scenarioFaults(scenario, writer, warmup, options.scenarioUntil),
    ...(options.faults ?? []),
  ];
  scheduleFaults(sim, faults);

  // Steady state, then the scenario until the operator's trigger.
  k.advanceTo(warmup);
  const syncedAt = sim.msk?.lastOffsetSync.get(to);
  const trigger = await awaitTrigger(sim, {
    scenario,
    writer,
    warmupSeconds: warmup,
    reactionSeconds: options.reactionSeconds,
  });
  const commandAt = trigger.commandAt;

  // The operator, while the kernel runs the world around it.
  const outcome = newOperatorOutcome();
  let finished = false;
  let operatorError: unknown;
  runOperator(
    {
      sim,
      manifests,
      topology: buildTopology(
        manifests.map((m) => ({ manifest: m, source: `manifests/${m.stack}.json` })),
        { nowMs: sim.toEpochMs(commandAt) },
      ),
      command,
      writer,
      to,
      seed: options.seed,
      crashes: options.crashes ?? [],
      restartSeconds: options.restartSeconds ?? 30,
      resumeDelaySeconds: options.resumeDelaySeconds ?? 120,
      maxResumes: options.maxResumes ?? 8,
      transformSteps: options.transformSteps,
    },
    outcome,
  ).then(
    () => (finished = true),
    (e) => {
      operatorError = e ?? new Error("the operator failed");
      finished = true;
    },
  );
  await k.runUntil(() => finished, options.maxVirtualSeconds ?? 4 * 3600);
  if (operatorError) throw operatorError;
  const commandEnd = finished ? k.now : null;
  const status = outcome.status;
  const done: TimelineEvent[] =
    status === "succeeded" ? [{ at: k.now, kind: "done", text: "run succeeded" }] : [];

  // RPO: acknowledged writes missing in the new writer when the run completed.
  const newWriter = status === "succeeded" ? to : (sim.aurora?.primaryRegion() ?? writer);
  const stores = measureRpo(sim, newWriter, target.targets.rpoSeconds);

  // Let traffic settle, after every fault has healed; RTO needs the first write in the target.
  const lastHeal = Math.max(0, ...faults.map((f) => f.until ?? 0));
  await k.runUntil(() => false, Math.max(k.now, lastHeal) + (options.settleSeconds ?? 60));
  const first = sim.workload.firstAckAfter(reference, writer === to ? undefined : writer);
  const firstInTarget = first && first.region === to ? first : undefined;

  const steps = stepsFromJournal(sim, outcome.disk, outcome.runId, outcome.sessionOfStep);
  const bound = firstInTarget
    ? criticalPathBound(sim, {
        reference,
        commandAt,
        to,
        from: writer,
        command,
        firstWriteAt: firstInTarget.at,
      })
    : null;
  const sequential = sequentialBound(steps, { reference, commandAt });

  const controlItem = sim.control?.get(to, "writer");
  const observed: DrillObservations = {
    command,
    to,
    runStatus: status,
    writerHistory: sim.workload.writerHistory,
    writerRecordOverlaps: sim.traffic.overlaps,
    consumerOverlaps: sim.consumers.overlaps,
    degradedSteps: steps.filter((s) => s.result === "degraded").map((s) => s.name),
    stores,
    end: {
      accepting: sim.workload.acceptingRegions(),
      databasePrimary: sim.aurora ? (sim.aurora.primaryRegion() ?? "no region") : null,
      controlWriter: controlItem ? String(controlItem.value.region) : null,
      writerAnswer: sim.traffic.writerAnswer(),
    },
  };
  const byService: Record<string, number> = {};
  for (const c of sim.calls)
    byService[`${c.service}:${c.operation}`] = (byService[`${c.service}:${c.operation}`] ?? 0) + 1;

  return {
    scenario,
    seed: options.seed,
    command,
    from: outcome.params?.from ?? writer,
    to,
    regions: [writer, ...manifests.map((m) => m.region).filter((r) => r !== writer)],
    rtoSeconds: firstInTarget ? round(firstInTarget.at - reference) : null,
    rtoTargetSeconds: target.targets.rtoSeconds,
    criticalPathSeconds: bound === null ? null : round(bound),
    sequentialSeconds: sequential === null ? null : round(sequential),
    stores,
    steps,
    invariants: checkInvariants(observed),
    run: {
      status,
      resumes: outcome.resumes,
      crashes: outcome.crashes,
      failures: outcome.failures,
      criticalPath: outcome.criticalPath,
    },
    faults: faults.map((f) => ({ spec: f, text: describeFault(f, reference) })),
    timeline: assembleTimeline(
      faultEvents(faults, reference),
      trigger.events,
      outcome.events,
      done,
      simulatorEvents(sim, firstInTarget),
    ),
    referenceSeconds: reference,
    commandStartSeconds: commandAt,
    commandEndSeconds: commandEnd === null ? null : round(commandEnd),
    writerViolations: writerViolations(sim.workload.writerHistory).slice(0, 20),
    writerRecordOverlaps: sim.traffic.overlaps.slice(0, 20),
    consumerOverlaps: sim.consumers.overlaps.slice(0, 20),
    calls: {
      total: sim.calls.length,
      // A failover reads only the data plane: nothing may go to the failed region.
      toFailedRegion:
        command === "failover"
          ? sim.calls.filter((c) => c.region === writer && c.at >= commandAt).length
          : 0,
      byService,
    },
    sim: { virtualSeconds: round(k.now), events: k.fired, ackedWrites: sim.workload.acked.length },
    mskOffsetSyncAgeSeconds: syncedAt === undefined ? null : round(warmup - syncedAt),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
