import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freshManifests } from "../testing/harness";
import {
  FileJournalStore,
  JournalError,
  JournalEvent,
  JournalStore,
  MemoryJournalStore,
  parseJournal,
  RunInProgressError,
} from "./journal";
import { checkResumeHeader, isRunId } from "./journalSchema";

const R1 = "switchover-20261122T030000Z-a1b2c3";
const R2 = "failback-20261122T040000Z-000fff";

const header = (runId = R1): Extract<JournalEvent, { type: "run-started" }> => ({
  type: "run-started",
  at: 1,
  runId,
  command: "switchover",
  params: { kind: "switchover" },
  stepIds: ["a", "b"],
  pid: 7,
});

/** A run with every kind of event, as the runner writes them. */
const writeRun = (store: JournalStore, runId = R1) => {
  store.start(header(runId));
  store.append(runId, { type: "step-started", at: 2, id: "a" });
  store.append(runId, {
    type: "step-finished",
    at: 3,
    id: "a",
    result: "done",
    startedAt: 2,
    attempts: 1,
    output: { lagSeconds: 0.5, missing: undefined },
    notes: ["ok"],
  });
  store.append(runId, { type: "step-started", at: 4, id: "b" });
  store.append(runId, {
    type: "step-failed",
    at: 5,
    id: "b",
    startedAt: 4,
    attempts: 6,
    error: { name: "ThrottlingException", message: "slow down" },
  });
  store.finish(runId, { type: "run-finished", at: 6, status: "failed" });
  store.append(runId, { type: "run-resumed", at: 7, pid: 8 });
};

const throwsJournalError = (
  fn: () => unknown,
  file: string,
  line: number | undefined,
  problem: RegExp,
) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof JournalError, String(e));
    assert.equal(e.file, file);
    assert.equal(e.line, line);
    assert.match(e.problem, problem);
    assert.ok(e.message.startsWith(file), e.message);
    assert.ok(e.resolution.length > 0);
    return true;
  });

describe("journal: run ids and the resume header (journalSchema)", () => {
  it("run ids: the form the tool writes, nothing that could be a path", () => {
    for (const id of [
      R1,
      R2,
      "failover-20270101T000000Z-ffffff",
      "restore-20261122T030000Z-000000",
    ]) {
      assert.ok(isRunId(id), id);
    }
    for (const id of [
      "unknown",
      "../../x",
      "",
      `${R1}/..`,
      `../${R1}`,
      `${R1}.jsonl`,
      "switchover-20261122T030000Z-A1B2C3",
      "rollback-20261122T030000Z-a1b2c3",
      "switchover-20261122T030000Z-a1b2c",
      ` ${R1}`,
      `${R1}\n`,
      42,
      null,
    ]) {
      assert.equal(isRunId(id), false, JSON.stringify(id));
    }
  });

  it("a restore goes from a region to itself; every other kind to another region", () => {
    const manifests = freshManifests(Date.parse("2026-11-22T03:00:00Z")).map((m) => ({
      manifest: m,
      source: `manifests/${m.stack}.json`,
    }));
    const params = {
      kind: "restore",
      from: "us-east-1",
      to: "us-east-1",
      epoch: 3,
      thresholds: { maxLagSeconds: 5, drainLagSeconds: 1, drainMessages: 0 },
      manifests,
    };
    const ok = checkResumeHeader({ command: "switchover", params });
    assert.ok(ok.ok, JSON.stringify(ok));
    const bad = checkResumeHeader({
      command: "failback",
      params: { ...params, kind: "failback", epoch: 0, thresholds: {} },
    });
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.problems, [
      "params.epoch: must be a positive integer.",
      "params.thresholds.maxLagSeconds: must be a number >= 0.",
      "params.thresholds.drainLagSeconds: must be a number >= 0.",
      "params.thresholds.drainMessages: must be a number >= 0.",
      "params.to: a failback must go to another region than it comes from (us-east-1)",
    ]);
    const cmd = checkResumeHeader({ command: "rm -rf", params });
    assert.deepEqual(!cmd.ok && cmd.problems, [
      "command: 'rm -rf' is not one of switchover, failover, failback",
    ]);
  });
});

describe("journal: file store", () => {
  let dir: string;
  let store: FileJournalStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
    store = new FileJournalStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (id = R1) => path.join(dir, "runs", `${id}.jsonl`);
  const activeFile = () => path.join(dir, "active.json");
  const lines = (id = R1) => fs.readFileSync(file(id), "utf8").split("\n");
  const writeLines = (ls: string[], id = R1) => fs.writeFileSync(file(id), ls.join("\n"));

  it("reads back what it wrote, and the memory store reads back the same", () => {
    const memory = new MemoryJournalStore();
    writeRun(store);
    writeRun(memory);
    assert.equal(store.read(R1).length, 7);
    assert.deepEqual(store.read(R1), memory.read(R1));
    assert.deepEqual(store.active(), memory.active());
    // Both drop what JSON cannot hold, as a resume would see it.
    const finished = store.read(R1)[2] as Extract<JournalEvent, { type: "step-finished" }>;
    assert.deepEqual(finished.output, { lagSeconds: 0.5 });
  });

  it("a damaged line in the middle is an error naming the file and the line", () => {
    writeRun(store);
    const good = lines();
    for (const [bad, problem] of [
      ["42", /^is not a journal event: Invalid input: expected object, received number$/],
      ["null", /^is not a journal event: Invalid input: expected object, received null$/],
      ['"text"', /^is not a journal event: Invalid input: expected object, received string$/],
      [
        '{"type":"step-started","at":"noon","id":"a"}',
        /^is not a journal event: at: must be a time/,
      ],
      [
        '{"type":"step-finished","at":3,"id":"a","result":"maybe","startedAt":2,"attempts":1}',
        /result: Invalid option/,
      ],
      ['{"type":"run-finished","at":6,"status":"exploded"}', /status: Invalid option/],
      ['{"type":"nope","at":1}', /type: must be one of run-started, run-resumed, step-started/],
      ['{"type":"step-sta', /^is not JSON \(.*\); only the last line can be torn by a crash/],
      ["\u0000\u0000\u0000", /^is not JSON/],
    ] as const) {
      writeLines([good[0], good[1], bad, ...good.slice(2)]);
      throwsJournalError(() => store.read(R1), file(), 3, problem);
      throwsJournalError(() => store.active(), file(), 3, problem);
    }
  });

  it("a torn last line is ignored, with or without its newline; a whole bad last line is not", () => {
    writeRun(store);
    const good = lines(); // ends with "" (the last newline)
    for (const torn of ['{"type":"step-sta', '{"type":"step-started","at":9,"id":"c"']) {
      writeLines([...good.slice(0, -1), torn]);
      assert.equal(store.read(R1).length, 7);
      writeLines([...good.slice(0, -1), torn, ""]);
      assert.equal(store.read(R1).length, 7);
    }
    writeLines([...good.slice(0, -1), "null", ""]);
    throwsJournalError(() => store.read(R1), file(), 8, /expected object, received null/);
  });

  it("a torn last line is cut off before the next append, so it never ends up mid-journal", () => {
    writeRun(store);
    fs.appendFileSync(file(), '{"type":"step-started","at":9,"i');
    const resumed = new FileJournalStore(dir); // the process that resumes
    resumed.append(R1, { type: "run-resumed", at: 10 });
    resumed.append(R1, { type: "step-started", at: 11, id: "b" });
    const events = resumed.read(R1);
    assert.equal(events.length, 9);
    assert.deepEqual(
      events.slice(-2).map((e) => e.type),
      ["run-resumed", "step-started"],
    );
    assert.ok(!fs.readFileSync(file(), "utf8").includes('"i{'));
    // A whole last line that lost its newline keeps its event.
    fs.writeFileSync(file(), fs.readFileSync(file(), "utf8").trimEnd());
    new FileJournalStore(dir).append(R1, { type: "step-started", at: 12, id: "a" });
    assert.equal(new FileJournalStore(dir).read(R1).length, 10);
  });

  it("one run per journal: a second header, or a header of another run, is an error", () => {
    writeRun(store);
    const good = lines();
    writeLines([...good.slice(0, 3), JSON.stringify(header()), ...good.slice(3)]);
    throwsJournalError(() => store.read(R1), file(), 4, /^is a second run-started event/);
    writeLines([JSON.stringify(header(R2)), ...good.slice(1)]);
    throwsJournalError(() => store.read(R1), file(), 1, new RegExp(`^starts run ${R2}, but`));
    // Blank lines count: the line number is the one an editor shows.
    writeLines([good[0], "", "", "42", ...good.slice(1)]);
    throwsJournalError(() => store.read(R1), file(), 4, /expected object/);
  });

  it("a journal that is a directory is an error naming it", () => {
    fs.mkdirSync(file(), { recursive: true });
    throwsJournalError(
      () => store.read(R1),
      file(),
      undefined,
      /^cannot be read \(it is a directory, not a file\)\.$/,
    );
  });

  it("a run that was never journaled reads as empty", () => {
    assert.deepEqual(store.read(R2), []);
    assert.equal(store.active(), undefined);
  });

  describe("the active marker", () => {
    const marker = (text: string) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(activeFile(), text);
    };
    for (const [text, problem] of [
      ["", /^is empty: a run crashed while starting/],
      ["  \n", /^is empty/],
      ['{"runId":"switch', /^is torn or not JSON/],
      ["42", /^does not name a run: Invalid input: expected object, received number$/],
      ["null", /^does not name a run: Invalid input: expected object, received null$/],
      ["{}", /^does not name a run: runId: Invalid input: expected string, received undefined$/],
      ['{"runId":"../../x"}', /^does not name a run: runId: is not a run id this tool writes/],
      ['{"runId":"unknown"}', /^does not name a run: runId: is not a run id this tool writes/],
      [`{"runId":"${R1}","pid":"me"}`, /^does not name a run: pid:/],
    ] as const) {
      it(`refuses ${JSON.stringify(text)}`, () => {
        marker(text);
        throwsJournalError(() => store.active(), activeFile(), undefined, problem);
        // Nothing starts over it, and nothing is written under a made-up id.
        assert.throws(() => store.start(header(R2)), JournalError);
        assert.deepEqual(fs.readdirSync(dir).sort(), ["active.json", "runs"]);
        assert.deepEqual(fs.readdirSync(path.join(dir, "runs")), []);
        assert.equal(fs.readFileSync(activeFile(), "utf8"), text);
      });
    }

    it("a marker that is a directory", () => {
      fs.mkdirSync(activeFile(), { recursive: true });
      throwsJournalError(
        () => store.active(),
        activeFile(),
        undefined,
        /^cannot be read \(it is a directory/,
      );
    });

    it("the error for the marked run's journal says it is the unfinished run's", () => {
      writeRun(store);
      fs.appendFileSync(file(), "null\n{}\n");
      assert.throws(
        () => store.active(),
        (e: JournalError) =>
          e.resolution.startsWith(
            `it is the journal of the unfinished run ${R1}: move ${activeFile()} aside`,
          ),
      );
    });
  });

  it("ids that are not the tool's never become paths", () => {
    for (const id of ["../../x", "unknown", "r1", `${R1}/../../x`]) {
      assert.throws(() => store.read(id), /is not a run id/);
      assert.throws(
        () => store.append(id, { type: "step-started", at: 1, id: "a" }),
        /is not a run id/,
      );
      assert.throws(
        () => store.finish(id, { type: "run-finished", at: 1, status: "abandoned" }),
        /is not a run id/,
      );
      assert.throws(() => store.start(header(id)), /is not a run id/);
    }
    assert.equal(
      fs.existsSync(activeFile()),
      false,
      "no marker for a run that cannot be journaled",
    );
    assert.equal(fs.existsSync(path.join(dir, "..", "x.jsonl")), false);
  });

  it("finishing a run releases only its own marker", () => {
    writeRun(store);
    assert.throws(() => store.start(header(R2)), RunInProgressError);
    // R2 has a journal (say, from another directory's copy) but is not the marked run.
    fs.writeFileSync(file(R2), JSON.stringify(header(R2)) + "\n");
    store.finish(R2, { type: "run-finished", at: 9, status: "abandoned" });
    assert.equal(store.active()?.runId, R1);
    store.finish(R1, { type: "run-finished", at: 10, status: "abandoned" });
    assert.equal(store.active(), undefined);
    const r3 = "switchover-20261122T050000Z-333333";
    store.start(header(r3));
    assert.equal(store.active()?.runId, r3);
  });

  it("a damaged finished run does not stop a new one", () => {
    writeRun(store);
    store.finish(R1, { type: "run-finished", at: 8, status: "succeeded" });
    fs.appendFileSync(file(), "null\n42\n");
    store.start(header(R2));
    assert.equal(store.active()?.runId, R2);
  });

  it("refuses to write an event that would not read back, writing nothing", () => {
    writeRun(store);
    const before = fs.readFileSync(file(), "utf8");
    const bad = { type: "step-started", at: "noon", id: "a" } as unknown as JournalEvent;
    assert.throws(() => store.append(R1, bad), /would not read back: at: must be a time/);
    assert.equal(fs.readFileSync(file(), "utf8"), before);
  });
});

describe("journal: memory store, checked the same way", () => {
  it("refuses what the file store would refuse, and tolerates what it tolerates", () => {
    const memory = new MemoryJournalStore();
    writeRun(memory, "r1"); // no files: any id will do
    const bad = { type: "step-finished", at: 1, id: "a" } as unknown as JournalEvent;
    assert.throws(() => memory.append("r1", bad), /would not read back: result:/);
    assert.throws(() => memory.start(header("r2")), RunInProgressError);
    assert.throws(() => memory.start({ ...header("r3"), params: [] as never }), /params:/);
    assert.equal(memory.read("r1").length, 7);
  });

  it("parseJournal: the checks both stores share", () => {
    const h = JSON.stringify(header());
    assert.equal(parseJournal(`${h}\n{"type":"run-fini`, R1, "x").length, 1);
    throwsJournalError(
      () => parseJournal(`${h}\n{"type":"run-fini\n${h}`, R1, "x"),
      "x",
      2,
      /not JSON/,
    );
    assert.deepEqual(parseJournal("", R1, "x"), []);
  });
});
