import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ActiveMarker,
  activeMarkerSchema,
  describeIssues,
  isRunId,
  joinProblems,
  JournalEvent,
  journalEventSchema,
  RUN_ID_EXAMPLE,
} from "./journalSchema";

export type { JournalEvent, RunHeader } from "./journalSchema";

/*
 * The run journal: an append-only list of events per run, so that a crashed or interrupted run
 * resumes exactly where it stopped. The file store writes one JSON line per event and fsyncs
 * it before the engine acts on the next step; a torn last line (crash mid-write) is ignored.
 * An "active" marker, created exclusively, makes a second concurrent run impossible.
 *
 * What is read back is checked like any other input (journalSchema.ts): a line that is not a
 * journal event, a marker that names no run, a run id that is not one this tool writes (ids
 * become file names) is a JournalError naming the file, never something to act on.
 */

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

/**
 * The journal holds something this tool did not write: a damaged or edited line, a marker
 * that names no run, a directory where a file belongs. Nothing may be done from it; the CLI
 * reports it as bad input (exit 2) with `resolution`.
 */
export class JournalError extends Error {
  constructor(
    /** The file at fault (`memory:<runId>` for the in-memory store). */
    readonly file: string,
    /** The 1-based line at fault, if one is. */
    readonly line: number | undefined,
    /** What is wrong, e.g. `is not a journal event: ...`. */
    readonly problem: string,
    /** What the operator does about it. */
    readonly resolution: string,
  ) {
    super(`${file}${line === undefined ? "" : ` line ${line}`} ${problem}`);
    this.name = "JournalError";
  }

  withResolution(resolution: string): JournalError {
    return new JournalError(this.file, this.line, this.problem, resolution);
  }
}

const damagedFix = (file: string) =>
  `the journal was changed after this tool wrote it; check 'failover status', then restore ${file} from a copy or move it aside (keep it for the record).`;

/**
 * Parses a journal's text, every line through the schema. A last line that is not JSON is a
 * write torn by a crash and is ignored (nothing after it was written); anything else that is
 * not a journal event, wherever it is, is a JournalError naming the line.
 */
export function parseJournal(text: string, runId: string, where: string): JournalEvent[] {
  const lines = text.split("\n");
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === "") last--;
  const events: JournalEvent[] = [];
  for (let i = 0; i <= last; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const bad = (problem: string) => new JournalError(where, i + 1, problem, damagedFix(where));
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      if (i === last) break; // torn by a crash mid-write
      throw bad(
        `is not JSON (${(e as Error).message}); only the last line can be torn by a crash, so this one was damaged.`,
      );
    }
    const parsed = journalEventSchema.safeParse(json);
    if (!parsed.success) {
      throw bad(`is not a journal event: ${joinProblems(describeIssues(parsed.error.issues))}`);
    }
    const event = parsed.data;
    if (event.type === "run-started") {
      if (events.length > 0) {
        throw bad(
          "is a second run-started event; a journal holds one run, started on its first line.",
        );
      }
      if (event.runId !== runId) {
        throw bad(`starts run ${event.runId}, but the journal is run ${runId}'s.`);
      }
    }
    events.push(event);
  }
  return events;
}

/** One journal line for `event`, checked to read back as the same kind of event. */
function serialize(event: JournalEvent, where: string): string {
  const line = JSON.stringify(event);
  const parsed = journalEventSchema.safeParse(JSON.parse(line));
  if (!parsed.success) {
    throw new Error(
      `refusing to journal a ${event.type} event to ${where} that would not read back: ${joinProblems(describeIssues(parsed.error.issues))}`,
    );
  }
  return line;
}

/**
 * Journals in memory, kept as the lines the file store would write and read back through the
 * same checks, so both stores accept and refuse the same journals.
 */
export class MemoryJournalStore implements JournalStore {
  private runs = new Map<string, string[]>();
  private activeRunId: string | undefined;

  active(): ActiveRun | undefined {
    return this.activeRunId === undefined
      ? undefined
      : { runId: this.activeRunId, events: this.read(this.activeRunId) };
  }

  start(event: Extract<JournalEvent, { type: "run-started" }>): void {
    const line = serialize(event, this.describe(event.runId));
    const current = this.active();
    if (current) throw new RunInProgressError(current);
    this.activeRunId = event.runId;
    this.runs.set(event.runId, [line]);
  }

  append(runId: string, event: JournalEvent): void {
    const lines = this.runs.get(runId);
    if (!lines) throw new Error(`no journal for run ${runId}`);
    lines.push(serialize(event, this.describe(runId)));
  }

  read(runId: string): JournalEvent[] {
    return parseJournal((this.runs.get(runId) ?? []).join("\n"), runId, this.describe(runId));
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

const errnoText = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return "it is a directory, not a file";
  if (code === "ENOTDIR") return "a directory on its path is a file";
  return code ?? (e as Error).message;
};

/**
 * Journals under a directory: `<dir>/runs/<runId>.jsonl` and `<dir>/active.json`. Run ids
 * become file names, so only ids of the form this tool writes are accepted.
 */
export class FileJournalStore implements JournalStore {
  /** Run files known to end with a whole line (see `cutTornTail`). */
  private whole = new Set<string>();

  constructor(readonly dir: string) {}

  private get activeFile(): string {
    return path.join(this.dir, "active.json");
  }

  private runFile(runId: string): string {
    if (!isRunId(runId)) {
      throw new Error(
        `'${runId}' is not a run id (they look like ${RUN_ID_EXAMPLE}); it is not made into a path under ${this.dir}`,
      );
    }
    return path.join(this.dir, "runs", `${runId}.jsonl`);
  }

  private markerFix(): string {
    return `move ${this.activeFile} aside after checking 'failover status' (a run may have stopped part-way), then start a new run.`;
  }

  /** The marker, checked; undefined when there is none. */
  private readMarker(): ActiveMarker | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.activeFile, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new JournalError(
        this.activeFile,
        undefined,
        `cannot be read (${errnoText(e)}).`,
        this.markerFix(),
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Created but not (fully) written: a run crashed while starting, before its id was
      // recorded. There is no id to resume or abandon by, and none is made up.
      throw new JournalError(
        this.activeFile,
        undefined,
        text.trim() === ""
          ? "is empty: a run crashed while starting, before it recorded its run id."
          : "is torn or not JSON: a run crashed while starting, or the file was damaged.",
        this.markerFix(),
      );
    }
    const marker = activeMarkerSchema.safeParse(json);
    if (!marker.success) {
      throw new JournalError(
        this.activeFile,
        undefined,
        `does not name a run: ${joinProblems(describeIssues(marker.error.issues))}`,
        this.markerFix(),
      );
    }
    return marker.data;
  }

  active(): ActiveRun | undefined {
    const marker = this.readMarker();
    if (!marker) return undefined;
    try {
      return { runId: marker.runId, events: this.read(marker.runId) };
    } catch (e) {
      if (!(e instanceof JournalError)) throw e;
      throw e.withResolution(
        `it is the journal of the unfinished run ${marker.runId}: ${this.markerFix()} Keep the journal for the record.`,
      );
    }
  }

  start(event: Extract<JournalEvent, { type: "run-started" }>): void {
    const file = this.runFile(event.runId);
    const line = serialize(event, file);
    fs.mkdirSync(path.join(this.dir, "runs"), { recursive: true });
    let fd: number | undefined;
    for (let attempt = 0; fd === undefined; attempt++) {
      try {
        fd = fs.openSync(this.activeFile, "wx");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const current = this.active();
        if (current) throw new RunInProgressError(current);
        // The other run released the directory just now: try again.
        if (attempt >= 3) throw new Error(`${this.activeFile} keeps appearing and vanishing`);
      }
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
    this.appendLine(file, line);
  }

  append(runId: string, event: JournalEvent): void {
    const file = this.runFile(runId);
    this.appendLine(file, serialize(event, file));
  }

  private appendLine(file: string, line: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!this.whole.has(file)) {
      this.cutTornTail(file);
      this.whole.add(file);
    }
    const fd = fs.openSync(file, "a");
    try {
      fs.writeSync(fd, line + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * A crash mid-write leaves a torn last line, which `read` ignores. Appending after it (a
   * resume) would bury it mid-journal, where it is an error: cut it off first, it held no
   * usable event. A whole last line without its newline gets one.
   */
  private cutTornTail(file: string): void {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    let end = buf.length;
    while (end > 0 && [0x0a, 0x0d, 0x20, 0x09].includes(buf[end - 1])) end--;
    if (end === 0) return;
    const start = buf.lastIndexOf(0x0a, end - 1) + 1;
    let torn = false;
    try {
      JSON.parse(buf.subarray(start, end).toString("utf8"));
    } catch {
      torn = true;
    }
    if (!torn && buf[buf.length - 1] === 0x0a) return;
    const fd = fs.openSync(file, "r+");
    try {
      if (torn) fs.ftruncateSync(fd, start);
      else fs.writeSync(fd, "\n", buf.length);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  read(runId: string): JournalEvent[] {
    const file = this.runFile(runId);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new JournalError(
        file,
        undefined,
        `cannot be read (${errnoText(e)}).`,
        damagedFix(file),
      );
    }
    return parseJournal(text, runId, file);
  }

  finish(runId: string, event: Extract<JournalEvent, { type: "run-finished" }>): void {
    this.append(runId, event);
    if (event.status === "failed") return;
    // Release the directory only for this run: never remove another run's marker.
    let marker: ActiveMarker | undefined;
    try {
      marker = this.readMarker();
    } catch (e) {
      if (!(e instanceof JournalError)) throw e;
    }
    if (marker?.runId === runId) fs.rmSync(this.activeFile, { force: true });
  }

  describe(runId: string): string {
    return path.join(this.dir, "runs", `${runId}.jsonl`);
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
