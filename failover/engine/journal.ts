import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/*
 * The run journal: an append-only list of events per run, so that a crashed or interrupted run
 * resumes exactly where it stopped. The file store writes one JSON line per event and fsyncs
 * it before the engine acts on the next step; a torn last line (crash mid-write) is ignored.
 * An "active" marker, created exclusively, makes a second concurrent run impossible.
 */

export interface RunHeader {
  runId: string;
  command: string;
  /** Everything a resume needs to rebuild the same graph (regions, epoch, manifests...). */
  params: Record<string, unknown>;
  stepIds: string[];
  pid?: number;
  host?: string;
}

export type JournalEvent =
  | ({ type: "run-started"; at: number } & RunHeader)
  | { type: "run-resumed"; at: number; pid?: number; host?: string }
  | { type: "step-started"; at: number; id: string }
  | {
      type: "step-finished";
      at: number;
      id: string;
      /** `done` (acted), `already-done` (postcondition held), `approved` (gate). */
      result: "done" | "already-done" | "approved";
      startedAt: number;
      attempts: number;
      output?: unknown;
      notes?: string[];
    }
  | {
      type: "step-failed";
      at: number;
      id: string;
      startedAt: number;
      attempts: number;
      error: { name: string; message: string };
      notes?: string[];
    }
  | {
      type: "run-finished";
      at: number;
      status: "succeeded" | "failed" | "cancelled" | "abandoned";
    };

export interface ActiveRun {
  runId: string;
  events: JournalEvent[];
}

/** Where journals live. The simulator uses the in-memory store. */
export interface JournalStore {
  /** The run that has started and not succeeded (or been abandoned), if any. */
  active(): ActiveRun | undefined;
  /** Starts a run; throws RunInProgressError if another is active. */
  start(event: Extract<JournalEvent, { type: "run-started" }>): void;
  append(runId: string, event: JournalEvent): void;
  read(runId: string): JournalEvent[];
  /** Appends the final event; any run that did not fail stops being active. */
  finish(runId: string, event: Extract<JournalEvent, { type: "run-finished" }>): void;
  /** Where a human finds the journal (for messages). */
  describe(runId: string): string;
}

export class RunInProgressError extends Error {
  constructor(readonly active: ActiveRun) {
    super(`run ${active.runId} is in progress`);
    this.name = "RunInProgressError";
  }
}

export class MemoryJournalStore implements JournalStore {
  private runs = new Map<string, JournalEvent[]>();
  private activeRunId: string | undefined;

  active(): ActiveRun | undefined {
    return this.activeRunId === undefined
      ? undefined
      : { runId: this.activeRunId, events: this.read(this.activeRunId) };
  }

  start(event: Extract<JournalEvent, { type: "run-started" }>): void {
    const current = this.active();
    if (current) throw new RunInProgressError(current);
    this.activeRunId = event.runId;
    this.runs.set(event.runId, [structuredClone(event)]);
  }

  append(runId: string, event: JournalEvent): void {
    const events = this.runs.get(runId);
    if (!events) throw new Error(`no journal for run ${runId}`);
    events.push(structuredClone(event));
  }

  read(runId: string): JournalEvent[] {
    return structuredClone(this.runs.get(runId) ?? []);
  }

  finish(runId: string, event: Extract<JournalEvent, { type: "run-finished" }>): void {
    this.append(runId, event);
    if (event.status !== "failed") {
      if (this.activeRunId === runId) this.activeRunId = undefined;
    }
  }

  describe(runId: string): string {
    return `memory:${runId}`;
  }
}

/** Journals under a directory: `<dir>/runs/<runId>.jsonl` and `<dir>/active.json`. */
export class FileJournalStore implements JournalStore {
  constructor(readonly dir: string) {}

  private get activeFile(): string {
    return path.join(this.dir, "active.json");
  }

  private runFile(runId: string): string {
    return path.join(this.dir, "runs", `${runId}.jsonl`);
  }

  active(): ActiveRun | undefined {
    let runId: string;
    try {
      runId = (JSON.parse(fs.readFileSync(this.activeFile, "utf8")) as { runId: string }).runId;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      // A torn marker still means a run was starting: report it rather than ignore it.
      return { runId: "unknown", events: [] };
    }
    return { runId, events: this.read(runId) };
  }

  start(event: Extract<JournalEvent, { type: "run-started" }>): void {
    fs.mkdirSync(path.join(this.dir, "runs"), { recursive: true });
    let fd: number;
    try {
      fd = fs.openSync(this.activeFile, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") {
        throw new RunInProgressError(this.active() ?? { runId: "unknown", events: [] });
      }
      throw e;
    }
    try {
      fs.writeSync(
        fd,
        JSON.stringify({ runId: event.runId, pid: process.pid, host: os.hostname() }) + "\n",
      );
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.append(event.runId, event);
  }

  append(runId: string, event: JournalEvent): void {
    fs.mkdirSync(path.join(this.dir, "runs"), { recursive: true });
    const fd = fs.openSync(this.runFile(runId), "a");
    try {
      fs.writeSync(fd, JSON.stringify(event) + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  read(runId: string): JournalEvent[] {
    let text: string;
    try {
      text = fs.readFileSync(this.runFile(runId), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    const events: JournalEvent[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        events.push(JSON.parse(line) as JournalEvent);
      } catch {
        // A line torn by a crash: everything after it is missing anyway.
        break;
      }
    }
    return events;
  }

  finish(runId: string, event: Extract<JournalEvent, { type: "run-finished" }>): void {
    this.append(runId, event);
    if (event.status !== "failed") {
      fs.rmSync(this.activeFile, { force: true });
    }
  }

  describe(runId: string): string {
    return this.runFile(runId);
  }
}

/** What the journal says about each step, folded from its events. */
export interface JournalSummary {
  header?: Extract<JournalEvent, { type: "run-started" }>;
  finished: Map<string, Extract<JournalEvent, { type: "step-finished" }>>;
  lastFailure?: Extract<JournalEvent, { type: "step-failed" }>;
  /** Steps started and neither finished nor failed: the crash happened inside them. */
  interrupted: string[];
  status?: Extract<JournalEvent, { type: "run-finished" }>["status"];
  resumes: number;
}

export function summarize(events: readonly JournalEvent[]): JournalSummary {
  const summary: JournalSummary = { finished: new Map(), interrupted: [], resumes: 0 };
  const open = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case "run-started":
        summary.header = e;
        break;
      case "run-resumed":
        summary.resumes++;
        summary.status = undefined;
        open.clear();
        break;
      case "step-started":
        open.add(e.id);
        break;
      case "step-finished":
        open.delete(e.id);
        summary.finished.set(e.id, e);
        break;
      case "step-failed":
        open.delete(e.id);
        summary.lastFailure = e;
        break;
      case "run-finished":
        summary.status = e.status;
        break;
    }
  }
  summary.interrupted = [...open];
  return summary;
}
