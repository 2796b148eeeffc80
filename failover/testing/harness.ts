import { DrManifest } from "../../manifest";
import { SampleRegion, sampleManifest } from "../../manifest/sample";
import { Adapters } from "../adapters/types";
import { ManualClock, seededRandom } from "../engine/clock";
import { JournalEvent, JournalStore, MemoryJournalStore } from "../engine/journal";
import { RunResult, runSteps } from "../engine/runner";
import {
  buildRunbook,
  buildTopology,
  nextEpoch,
  resolveCurrentState,
  RunbookKind,
  claimFor,
  takeClaim,
} from "../runbooks";

import { FakeAws } from "./fakeAws";

/** The sample pair, generated "now" so the staleness check passes. */
export function freshManifests(
  nowMs: number,
  regions: readonly SampleRegion[] = ["us-east-1", "eu-west-1"],
): DrManifest[] {
  return regions.map((r) => ({
    ...sampleManifest(r, regions),
    generatedAt: new Date(nowMs - 3600_000).toISOString(),
  }));
}

/** Plans and runs a runbook the way the CLI does, against the given adapters. */
export async function runRunbook(o: {
  kind: RunbookKind;
  to: string;
  manifests: DrManifest[];
  adapters: Adapters;
  clock: ManualClock;
  journal?: JournalStore;
  runId?: string;
}): Promise<{ result: RunResult; journal: JournalStore }> {
  const topology = buildTopology(
    o.manifests.map((m) => ({ manifest: m, source: m.stack })),
    { nowMs: o.clock.now() },
  );
  const state = await resolveCurrentState(topology, o.adapters, o.to);
  const params = {
    kind: o.kind,
    from: state.writer!,
    to: o.to,
    epoch: nextEpoch(state),
    thresholds: { maxLagSeconds: 5, drainLagSeconds: 1, drainMessages: 0 },
  };
  const journal = o.journal ?? new MemoryJournalStore();
  const runId = o.runId ?? `${o.kind}-1`;
  await takeClaim(topology, o.adapters, claimFor(params, runId));
  const result = await runSteps({
    runId,
    command: o.kind,
    params: params as unknown as Record<string, unknown>,
    steps: buildRunbook(params, { topology, adapters: o.adapters }),
    journal,
    clock: o.clock,
    random: seededRandom(1),
    approver: async () => true,
  });
  return { result, journal };
}

/** Resumes the journal's active run, rebuilding the graph from the journaled params. */
export async function resumeRunbook(o: {
  manifests: DrManifest[];
  adapters: Adapters;
  clock: ManualClock;
  journal: JournalStore;
}): Promise<RunResult> {
  const active = o.journal.active()!;
  const header = active.events[0] as Extract<JournalEvent, { type: "run-started" }>;
  const params = header.params as unknown as Parameters<typeof buildRunbook>[0];
  const topology = buildTopology(
    o.manifests.map((m) => ({ manifest: m, source: m.stack })),
    { nowMs: o.clock.now() },
  );
  return runSteps({
    runId: active.runId,
    command: header.command,
    params: header.params,
    steps: buildRunbook(params, { topology, adapters: o.adapters }),
    journal: o.journal,
    clock: o.clock,
    random: seededRandom(2),
    approver: async () => true,
    resume: true,
  });
}

/** A journal that "crashes the process" at its n-th write: that write and all later ones fail. */
export class CrashingJournal implements JournalStore {
  private writes = 0;
  crashed = false;
  constructor(
    readonly inner: JournalStore,
    private readonly crashAt: number,
  ) {}
  private tick(): void {
    if (this.crashed || ++this.writes >= this.crashAt) {
      this.crashed = true;
      throw new Error("simulated crash");
    }
  }
  active() {
    return this.inner.active();
  }
  start(e: Parameters<JournalStore["start"]>[0]) {
    this.tick();
    this.inner.start(e);
  }
  append(runId: string, e: JournalEvent) {
    this.tick();
    this.inner.append(runId, e);
  }
  read(runId: string) {
    return this.inner.read(runId);
  }
  finish(runId: string, e: Parameters<JournalStore["finish"]>[1]) {
    this.tick();
    this.inner.finish(runId, e);
  }
  describe(runId: string) {
    return this.inner.describe(runId);
  }
}

export { FakeAws, ManualClock };
