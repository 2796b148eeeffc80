import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CliFixture } from "../testing/cliHarness";

/*
 * The journal directory is input: whatever is in it (a damaged line, a hand-edited header, a
 * marker naming a path) is refused as bad input, exit 2, naming the file and the fix, before
 * any adapter is even built. These run the real argument parser against files on disk.
 */
describe("failover CLI: the journal is input", () => {
  const RUN = "switchover-20261122T030000Z-a1b2c3";
  let f: CliFixture;
  let adaptersBuilt: number;
  beforeEach(() => {
    f = new CliFixture();
    adaptersBuilt = 0;
    f.adapterFactory = () => {
      adaptersBuilt++;
      return f.fake.adapters();
    };
  });
  afterEach(() => f.cleanup());

  const journalDir = () => path.join(f.dir, ".failover");
  const runFile = (id = RUN) => path.join(journalDir(), "runs", `${id}.jsonl`);
  const activeFile = () => path.join(journalDir(), "active.json");

  /** The run-started event of a switchover us-east-1 -> eu-west-1 that nothing has done yet. */
  const header = (params: Record<string, unknown> = {}) => ({
    type: "run-started",
    at: f.clock.now() - 60_000,
    runId: RUN,
    command: "switchover",
    params: {
      kind: "switchover",
      from: "us-east-1",
      to: "eu-west-1",
      epoch: 2,
      thresholds: { maxLagSeconds: 5, drainLagSeconds: 1, drainMessages: 0 },
      manifests: f.manifests.map((m) => ({ manifest: m, source: `manifests/${m.stack}.json` })),
      ...params,
    },
    stepIds: ["preflight.aurora"],
    pid: 4242,
  });
  const at = () => f.clock.now() - 30_000;
  /** What follows the header: the first step failed, the run stopped, resumable. */
  const failedRun = () => [
    { type: "step-started", at: at(), id: "preflight.aurora" },
    {
      type: "step-failed",
      at: at(),
      id: "preflight.aurora",
      startedAt: at(),
      attempts: 1,
      error: { name: "AccessDeniedException", message: "denied" },
    },
    { type: "run-finished", at: at(), status: "failed" },
  ];

  /** Writes `runs/<id>.jsonl` (objects as JSON lines, strings verbatim) and the marker. */
  const writeJournal = (
    lines: (object | string)[],
    o: { id?: string; marker?: object | string; tail?: string } = {},
  ) => {
    const id = o.id ?? RUN;
    fs.mkdirSync(path.join(journalDir(), "runs"), { recursive: true });
    const text = lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n");
    fs.writeFileSync(runFile(id), text + "\n" + (o.tail ?? ""));
    const marker = o.marker ?? { runId: id, pid: 4242, host: "ops-1" };
    fs.writeFileSync(activeFile(), typeof marker === "string" ? marker : JSON.stringify(marker));
  };

  const MOVE_MARKER_ASIDE =
    /^fix: .*move \S*\.failover\/active\.json aside after checking 'failover status'/m;

  /** Exit 2, `error:` naming the file and the problem, the fix, and no adapter ever used. */
  const expectRefused = async (
    argv: string[],
    o: { file: string; problem: RegExp; fix?: RegExp },
  ) => {
    const code = await f.run(...argv);
    assert.equal(code, 2, `exit code for ${argv.join(" ")}; stderr: ${f.stderr}`);
    const error = /^error: (.*)$/m.exec(f.stderr)?.[1] ?? "";
    assert.ok(error.includes(o.file), `the message names ${o.file}: ${f.stderr}`);
    assert.match(error, o.problem);
    assert.match(f.stderr, o.fix ?? MOVE_MARKER_ASIDE);
    assert.doesNotMatch(f.stderr, /TypeError|at .*\.ts:\d+/);
    assert.deepEqual(f.fake.calls, [], "no AWS call");
    assert.equal(adaptersBuilt, 0, "the adapters are never even built");
  };

  it("a valid hand-written journal resumes (the refusals below are about the damage)", async () => {
    writeJournal([header(), ...failedRun()]);
    assert.equal(await f.run("switchover", "--resume", "--yes"), 0, f.stderr);
    assert.equal(f.fake.auroraWriter, "eu-west-1");
  });

  describe("a damaged line: refused for --resume and for a new run alike", () => {
    for (const bad of ["42", "null"]) {
      it(`a line '${bad}' in the middle of the journal`, async () => {
        writeJournal([header(), bad, ...failedRun()]);
        for (const argv of [
          ["switchover", "--resume", "--yes"],
          ["switchover", "--to", "eu-west-1", "--yes"],
          ["switchover", "--to", "eu-west-1", "--yes", "--abandon", RUN],
        ]) {
          await expectRefused(argv, {
            file: runFile(),
            problem:
              / line 2 is not a journal event: Invalid input: expected object, received (number|null)/,
          });
          assert.match(f.stderr, /it is the journal of the unfinished run switchover-/);
        }
      });
    }

    it("a line that is not JSON, anywhere but last", () => {
      writeJournal([header(), '{"type":"step-sta', ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: / line 2 is not JSON \(.*\); only the last line can be torn by a crash/,
      });
    });

    it("an event of an unknown type", () => {
      writeJournal([header(), { type: "step-teleported", at: at(), id: "x" }]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: / line 2 is not a journal event: type: must be one of run-started, run-resumed/,
      });
    });
  });

  describe("a header a resume cannot trust", () => {
    it("a header without manifests", () => {
      writeJournal([header({ manifests: undefined }), ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem:
          /the run-started header of run switchover-\S+ in \S+ is invalid, so the run cannot be resumed: params\.manifests: must list the DR manifests the run started from/,
      });
    });

    it("an empty list of manifests, or a manifest that fails the DR manifest schema", async () => {
      writeJournal([header({ manifests: [] }), ...failedRun()]);
      await expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.manifests: must list the DR manifests/,
      });
      const broken = { ...f.manifests[1], region: 42 };
      writeJournal([
        header({ manifests: [f.manifests[0], broken].map((m) => ({ manifest: m, source: "x" })) }),
        ...failedRun(),
      ]);
      await expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.manifests\[1\]\.manifest\.region: Invalid input: expected string/,
      });
    });

    it("from == to", () => {
      writeJournal([header({ to: "us-east-1" }), ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem:
          /params\.to: a switchover must go to another region than it comes from \(us-east-1\)/,
      });
    });

    it("a restore whose from and to differ", () => {
      writeJournal([header({ kind: "restore" }), ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.to: a restore gives writes back .* from and to must be the same/,
      });
    });

    it('epoch: "seven"', () => {
      writeJournal([header({ epoch: "seven" }), ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.epoch: must be a positive integer/,
      });
    });

    it("an unknown kind", () => {
      writeJournal([header({ kind: "rollback" }), ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.kind: must be one of switchover, failover, failback, restore/,
      });
    });

    it("a kind that does not fit the command", () => {
      writeJournal([header({ kind: "failover" }), ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.kind: a 'switchover' run cannot be a failover/,
      });
    });

    it("negative thresholds, and a region with no journaled manifest", async () => {
      writeJournal([
        header({ thresholds: { maxLagSeconds: -1, drainLagSeconds: 1, drainMessages: 0 } }),
        ...failedRun(),
      ]);
      await expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.thresholds\.maxLagSeconds: must be a number >= 0/,
      });
      writeJournal([header({ to: "eu-central-1" }), ...failedRun()]);
      await expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem: /params\.to: no journaled manifest is for eu-central-1/,
      });
    });

    it("a header naming another run than its file", () => {
      const other = { ...header(), runId: "switchover-20261122T020000Z-ffffff" };
      writeJournal([other, ...failedRun()]);
      return expectRefused(["switchover", "--resume", "--yes"], {
        file: runFile(),
        problem:
          / line 1 starts run switchover-20261122T020000Z-ffffff, but the journal is run switchover-20261122T030000Z-a1b2c3's/,
      });
    });
  });

  it("a runs 'file' that is a directory", async () => {
    writeJournal([header()]);
    fs.rmSync(runFile());
    fs.mkdirSync(runFile());
    for (const argv of [
      ["switchover", "--resume", "--yes"],
      ["switchover", "--to", "eu-west-1", "--yes"],
    ]) {
      await expectRefused(argv, {
        file: runFile(),
        problem: / cannot be read \(it is a directory, not a file\)/,
      });
    }
  });

  describe("the active marker", () => {
    it("an active.json that names a path, not a run: nothing is written outside the directory", async () => {
      writeJournal([header()]);
      const escapes = [path.join(f.dir, "x.jsonl"), path.join(path.dirname(f.dir), "x.jsonl")];
      for (const id of ["../../x", "../../../x"]) {
        fs.writeFileSync(activeFile(), JSON.stringify({ runId: id, pid: 1 }));
        for (const argv of [
          ["switchover", "--resume", "--yes"],
          ["switchover", "--to", "eu-west-1", "--yes"],
          ["switchover", "--to", "eu-west-1", "--yes", "--abandon", id],
        ]) {
          await expectRefused(argv, {
            file: activeFile(),
            problem:
              /active\.json does not name a run: runId: is not a run id this tool writes \(they look like switchover-20261122T030000Z-a1b2c3\)/,
          });
        }
      }
      for (const e of escapes) assert.equal(fs.existsSync(e), false, e);
      assert.deepEqual(fs.readdirSync(path.join(journalDir(), "runs")), [`${RUN}.jsonl`]);
    });

    for (const [what, marker, problem] of [
      [
        "42",
        "42",
        /active\.json does not name a run: Invalid input: expected object, received number/,
      ],
      [
        "null",
        "null",
        /active\.json does not name a run: Invalid input: expected object, received null/,
      ],
      [
        "empty (a crash while starting)",
        "",
        /active\.json is empty: a run crashed while starting, before it recorded its run id/,
      ],
      ["torn", '{"runId":"switchover-2026', /active\.json is torn or not JSON/],
    ] as const) {
      it(`an active.json that is ${what}`, () => {
        writeJournal([header()], { marker });
        return expectRefused(["switchover", "--to", "eu-west-1", "--yes"], {
          file: activeFile(),
          problem,
        });
      });
    }

    it("a torn marker is never turned into a run called 'unknown'", async () => {
      writeJournal([header()], { marker: "" });
      for (const argv of [
        ["switchover", "--resume", "--yes"],
        ["switchover", "--to", "eu-west-1", "--yes", "--abandon", "unknown"],
      ]) {
        await expectRefused(argv, { file: activeFile(), problem: /is empty/ });
      }
      assert.equal(fs.existsSync(runFile("unknown")), false);
      // Moved aside as the fix says: a new run starts.
      fs.renameSync(activeFile(), activeFile() + ".old");
      assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 0, f.stderr);
    });

    it("a marker whose run crashed before its header was written: abandoned by its id", async () => {
      writeJournal([header()]);
      fs.rmSync(runFile());
      assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 2);
      assert.match(
        f.stderr,
        new RegExp(`another run ${RUN} \\(\\? \\? -> \\?, .*\\) has no readable journal`),
      );
      assert.match(f.stderr, /continue it with 'failover switchover --resume'/);
      assert.equal(await f.run("switchover", "--resume", "--yes"), 2);
      assert.match(f.stderr, /cannot be read, so it cannot be resumed/);
      assert.deepEqual(f.fake.calls, []);
      assert.equal(
        await f.run("switchover", "--to", "eu-west-1", "--yes", "--abandon", RUN),
        0,
        f.stderr,
      );
      assert.equal(f.fake.auroraWriter, "eu-west-1");
    });

    it("an active.json that is a directory", () => {
      fs.mkdirSync(activeFile(), { recursive: true });
      return expectRefused(["switchover", "--to", "eu-west-1", "--yes"], {
        file: activeFile(),
        problem: / cannot be read \(it is a directory, not a file\)/,
      });
    });
  });

  describe("--abandon <run-id>", () => {
    for (const id of ["../../x", "../../../etc/passwd", "unknown", `${RUN}/..`, "switchover-x"]) {
      it(`refuses '${id}' before it becomes a path`, async () => {
        writeJournal([header(), ...failedRun()]);
        const before = fs.readFileSync(runFile(), "utf8");
        await expectRefused(["switchover", "--to", "eu-west-1", "--yes", "--abandon", id], {
          file: id,
          problem:
            /^--abandon '.*' is not a run id \(they look like switchover-20261122T030000Z-a1b2c3\)$/,
          fix: new RegExp(`^fix: pass --abandon ${RUN}\\.$`, "m"),
        });
        assert.equal(fs.readFileSync(runFile(), "utf8"), before, "the journal is untouched");
        assert.ok(fs.existsSync(activeFile()), "the run is still unfinished");
        assert.equal(fs.existsSync(path.join(f.dir, "x.jsonl")), false);
      });
    }

    it("with no unfinished run, a bad id is refused as such", () =>
      expectRefused(["switchover", "--to", "eu-west-1", "--yes", "--abandon", "../../x"], {
        file: "../../x",
        problem: /is not a run id/,
        fix: /^fix: drop --abandon\.$/m,
      }));
  });

  it("a torn last line (a crash mid-write) is ignored, and cut off before the resume appends", async () => {
    writeJournal([header(), ...failedRun()], { tail: '{"type":"step-started","at":17' });
    assert.equal(await f.run("switchover", "--resume", "--yes"), 0, f.stderr);
    assert.equal(f.fake.auroraWriter, "eu-west-1");
    const lines = fs.readFileSync(runFile(), "utf8").trimEnd().split("\n");
    for (const line of lines) JSON.parse(line); // nothing torn is left mid-journal
    assert.equal(JSON.parse(lines[4]).type, "run-resumed");
    assert.equal(JSON.parse(lines[lines.length - 1]).status, "succeeded");
    assert.equal(fs.existsSync(activeFile()), false);
  });

  it("a damaged line in a finished run does not block new runs", async () => {
    const old = "switchover-20261121T010000Z-0a0b0c";
    writeJournal([{ ...header(), runId: old }, "null", "42", "{not json"], { id: old });
    fs.rmSync(activeFile());
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 0, f.stderr);
    assert.equal(f.fake.auroraWriter, "eu-west-1");
  });
});
