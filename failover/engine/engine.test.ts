import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { ManualClock, seededRandom } from "./clock";
import {
  actualCriticalPath,
  GraphError,
  plannedCriticalPath,
  Step,
  topologicalOrder,
  waves,
} from "./graph";
import { FileJournalStore, MemoryJournalStore, RunInProgressError, summarize } from "./journal";
import { AttemptTimeoutError, backoffDelay, isTransient, withRetry } from "./retry";
import { RunnerEvent, runSteps, StepTimeoutError } from "./runner";
import { AdapterError } from "../adapters/types";
import { toAdapterError } from "../adapters/aws/errors";

/** An SDK error as it comes off the wire, before an adapter classifies it. */
const rawAwsError = (name: string) => Object.assign(new Error(name), { name });
/** The same error as an adapter throws it (classified: the engine reads only `retryable`). */
const awsError = (name: string) => toAdapterError("svc", "Op", "us-east-1", rawAwsError(name));

function mk(id: string, dependsOn: string[] = [], extra: Partial<Step> = {}): Step {
  return {
    id,
    title: id,
    dependsOn,
    mutates: false,
    budgetSeconds: 1,
    timeoutSeconds: 60,
    ...extra,
  };
}

async function run(
  steps: Step[],
  o: { clock?: ManualClock; journal?: MemoryJournalStore; resume?: boolean } = {},
) {
  const clock = o.clock ?? new ManualClock();
  const events: RunnerEvent[] = [];
  const result = await runSteps({
    runId: "r1",
    command: "test",
    params: {},
    steps,
    journal: o.journal ?? new MemoryJournalStore(),
    clock,
    random: seededRandom(7),
    approver: async () => true,
    resume: o.resume,
    onEvent: (e) => events.push(e),
  });
  return { result, events, clock };
}

describe("engine: graph", () => {
  it("orders by dependency and rejects cycles, unknown and duplicate steps", () => {
    const order = topologicalOrder([mk("c", ["b"]), mk("a"), mk("b", ["a"])]).map((s) => s.id);
    assert.deepEqual(order, ["a", "b", "c"]);
    assert.throws(() => topologicalOrder([mk("a", ["b"]), mk("b", ["a"])]), /cycle: a -> b -> a/);
    assert.throws(() => topologicalOrder([mk("a", ["x"])]), /unknown step 'x'/);
    assert.throws(() => topologicalOrder([mk("a"), mk("a")]), GraphError);
  });

  it("groups parallel steps into waves and finds the budgeted critical path", () => {
    const steps = [
      mk("a", [], { budgetSeconds: 2 }),
      mk("b", ["a"], { budgetSeconds: 10 }),
      mk("c", ["a"], { budgetSeconds: 3 }),
      mk("d", ["b", "c"], { budgetSeconds: 1 }),
    ];
    assert.deepEqual(
      waves(steps).map((w) => w.map((s) => s.id)),
      [["a"], ["b", "c"], ["d"]],
    );
    const cp = plannedCriticalPath(steps);
    assert.deepEqual(cp.steps, ["a", "b", "d"]);
    assert.equal(cp.seconds, 13);
    assert.equal(cp.startAt.d, 12);
  });

  it("planned critical path equals the longest path on random DAGs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.array(fc.nat(), { maxLength: 3 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (spec) => {
          const steps = spec.map(([budget, deps], i) =>
            mk(`s${i}`, [...new Set(deps.filter((d) => d < i).map((d) => `s${d}`))], {
              budgetSeconds: budget,
            }),
          );
          // Brute force: longest path ending at each node.
          const longest = new Map<string, number>();
          for (const s of steps) {
            longest.set(
              s.id,
              s.budgetSeconds + Math.max(0, ...s.dependsOn.map((d) => longest.get(d)!)),
            );
          }
          const cp = plannedCriticalPath(steps);
          assert.equal(cp.seconds, Math.max(...longest.values()));
          const sum = cp.steps.reduce(
            (t, id) => t + steps.find((s) => s.id === id)!.budgetSeconds,
            0,
          );
          assert.equal(sum, cp.seconds);
        },
      ),
    );
  });
});

describe("engine: runner", () => {
  it("starts a step only after its dependencies finish", async () => {
    const log: string[] = [];
    const step = (id: string, deps: string[], ms: number) =>
      mk(id, deps, {
        run: async (ctx) => {
          log.push(`start ${id}`);
          await ctx.clock.sleep(ms);
          log.push(`end ${id}`);
        },
      });
    const { result } = await run([
      step("a", [], 5000),
      step("b", ["a"], 1000),
      step("c", ["a"], 3000),
      step("d", ["b", "c"], 1000),
    ]);
    assert.equal(result.status, "succeeded");
    assert.deepEqual(log.slice(0, 4), ["start a", "end a", "start b", "start c"]);
    assert.ok(log.indexOf("start d") > log.indexOf("end c"));
  });

  it("runs independent steps in parallel: the run takes its critical path, not the sum", async () => {
    const sleeper = (id: string, deps: string[], s: number) =>
      mk(id, deps, { run: (ctx) => ctx.clock.sleep(s * 1000) });
    const { result } = await run([
      sleeper("a", [], 10),
      sleeper("b", [], 30),
      sleeper("c", [], 20),
      sleeper("d", ["a", "b", "c"], 5),
    ]);
    assert.equal((result.finishedAt - result.startedAt) / 1000, 35);
    assert.deepEqual(result.criticalPath, ["b", "d"]);
  });

  it("is idempotent: a step whose postcondition holds is not acted on again", async () => {
    let acted = 0;
    let state = false;
    const steps = [
      mk("set", [], {
        isDone: async () => state,
        run: async () => {
          acted++;
          state = true;
        },
        verify: async () => ({ ok: state }),
      }),
    ];
    const first = await run(steps);
    const second = await run(steps);
    assert.equal(acted, 1);
    assert.equal(first.result.steps[0].result, "done");
    assert.equal(second.result.steps[0].result, "already-done");
  });

  it("retries transient errors with capped, jittered backoff, then succeeds", async () => {
    let calls = 0;
    const { result, events, clock } = await run([
      mk("flaky", [], {
        retry: { maxAttempts: 5, baseMs: 1000, capMs: 3000 },
        run: async () => {
          if (++calls < 4)
            throw awsError(["ThrottlingException", "InternalFailure", "TimeoutError"][calls - 1]);
        },
      }),
    ]);
    assert.equal(result.status, "succeeded");
    assert.equal(result.steps[0].attempts, 4);
    const delays = events.flatMap((e) => (e.type === "step-retry" ? [e.delayMs] : []));
    assert.equal(delays.length, 3);
    // Equal jitter: each delay is within [exp/2, exp] with exp = min(cap, base * 2^(n-1)).
    [1000, 2000, 3000].forEach((exp, i) =>
      assert.ok(delays[i] >= exp / 2 && delays[i] <= exp, `${delays[i]}`),
    );
    assert.ok(Math.abs(clock.now() - result.startedAt - delays.reduce((a, b) => a + b)) < 1);
  });

  it("does not retry permanent errors and stops scheduling after a failure", async () => {
    let calls = 0;
    let laterRan = false;
    const { result } = await run([
      mk("denied", [], {
        run: async () => {
          calls++;
          throw awsError("AccessDeniedException");
        },
        ifFailed: "nothing changed",
      }),
      mk("later", ["denied"], { run: async () => void (laterRan = true) }),
    ]);
    assert.equal(calls, 1);
    assert.equal(laterRan, false);
    assert.equal(result.status, "failed");
    assert.deepEqual(result.failure, {
      stepId: "denied",
      message: "svc Op in us-east-1 failed: AccessDeniedException: AccessDeniedException",
      ifFailed: "nothing changed",
      timedOut: false,
    });
  });

  it("gives up after maxAttempts of transient errors", async () => {
    let calls = 0;
    const { result } = await run([
      mk("throttled", [], {
        retry: { maxAttempts: 3, baseMs: 10, capMs: 10 },
        run: async () => {
          calls++;
          throw awsError("ThrottlingException");
        },
      }),
    ]);
    assert.equal(calls, 3);
    assert.equal(result.status, "failed");
  });

  it("times out a step whose postcondition never holds, with the last detail", async () => {
    const { result, clock } = await run([
      mk("stuck", [], {
        timeoutSeconds: 120,
        pollSeconds: 10,
        run: async () => undefined,
        verify: async () => ({ ok: false, detail: "lag 9 s" }),
      }),
    ]);
    assert.equal(result.status, "failed");
    assert.equal(result.failure?.timedOut, true);
    assert.match(result.failure!.message, /within 120 s \(last check: lag 9 s\)/);
    assert.equal(clock.now() - result.startedAt, 120_000);
  });

  it("abandons a hung call after the attempt timeout and retries it", async () => {
    let calls = 0;
    const { result } = await run([
      mk("hang-once", [], {
        attemptTimeoutSeconds: 5,
        run: (ctx) => (++calls === 1 ? new Promise<void>(() => undefined) : ctx.clock.sleep(1)),
      }),
    ]);
    assert.equal(result.status, "succeeded");
    assert.equal(calls, 2);
  });

  it("journals each step; a resume skips finished steps and reruns the failed one", async () => {
    const journal = new MemoryJournalStore();
    const ran: string[] = [];
    let failB = true;
    const steps = [
      mk("a", [], { run: async () => void ran.push("a") }),
      mk("b", ["a"], {
        run: async () => {
          ran.push("b");
          if (failB) throw new Error("boom");
        },
      }),
      mk("c", ["b"], { run: async () => void ran.push("c") }),
    ];
    const first = await run(steps, { journal });
    assert.equal(first.result.status, "failed");
    assert.deepEqual(journal.active()?.runId, "r1");
    await assert.rejects(
      run(steps, { journal }),
      (e: unknown) => e instanceof RunInProgressError && e.active.runId === "r1",
    );
    failB = false;
    const second = await run(steps, { journal, resume: true });
    assert.equal(second.result.status, "succeeded");
    assert.deepEqual(ran, ["a", "b", "b", "c"]);
    assert.equal(second.result.steps[0].result, "skipped-resume");
    assert.equal(second.result.resumes, 1);
    assert.equal(journal.active(), undefined);
  });

  it("a failure stops the other running steps at once; a resume runs them again", async () => {
    const journal = new MemoryJournalStore();
    let waitOk = false;
    const steps = [
      mk("fails", [], {
        run: async (ctx) => {
          await ctx.clock.sleep(1000);
          if (!waitOk) throw awsError("AccessDeniedException");
        },
      }),
      mk("waits", [], {
        timeoutSeconds: 900,
        run: async () => undefined,
        verify: async () => ({ ok: waitOk, detail: "not yet" }),
      }),
    ];
    const { result } = await run(steps, { journal });
    assert.equal(result.status, "failed");
    assert.equal(result.finishedAt - result.startedAt, 1000, "did not wait for the 900 s verify");
    assert.equal(result.steps[1].result, "cancelled");
    assert.equal(result.failure?.stepId, "fails");
    waitOk = true;
    const resumed = await run(steps, { journal, resume: true });
    assert.equal(resumed.result.status, "succeeded");
    assert.deepEqual(
      resumed.result.steps.map((s) => s.result),
      ["done", "done"],
    );
  });

  it("passes outputs of finished steps on, also across a resume", async () => {
    const journal = new MemoryJournalStore();
    let failB = true;
    const steps = [
      mk("a", [], { run: async () => ({ rpo: 3 }) }),
      mk("b", ["a"], {
        run: async (ctx) => {
          if (failB) throw new Error("boom");
          return (ctx.outputs.a as { rpo: number }).rpo * 2;
        },
      }),
    ];
    await run(steps, { journal });
    failB = false;
    const { result } = await run(steps, { journal, resume: true });
    assert.equal(result.steps[1].output, 6);
  });

  it("a declined approval cancels the run and releases the journal when nothing changed", async () => {
    const journal = new MemoryJournalStore();
    const result = await runSteps({
      runId: "r2",
      command: "test",
      params: {},
      steps: [
        mk("gate", [], { approval: { prompt: () => "go?" } }),
        mk("act", ["gate"], { mutates: true }),
      ],
      journal,
      clock: new ManualClock(),
      random: seededRandom(1),
      approver: async () => false,
    });
    assert.equal(result.status, "cancelled");
    assert.equal(result.steps[1].result, "not-run");
    assert.equal(journal.active(), undefined);
  });

  it("retries what says it is retryable (a transient AdapterError, its own timeout), nothing else", () => {
    assert.ok(isTransient(new AttemptTimeoutError("x", 1)));
    assert.ok(isTransient(new AdapterError("transient", "s", "o", "r", "m")));
    assert.ok(!isTransient(new AdapterError("conflict", "s", "o", "r", "m")));
    // AWS names mean nothing to the engine: the adapters classify SDK errors before they get here
    // (failover/adapters/aws/errors.ts and its tests).
    assert.ok(!isTransient(rawAwsError("ThrottlingException")));
    assert.ok(!isTransient(Object.assign(new Error("x"), { $metadata: { httpStatusCode: 503 } })));
    assert.ok(!isTransient(undefined));
  });

  it("backoff stays within [exp/2, exp] and under the cap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const p = { maxAttempts: 10, baseMs: 250, capMs: 8000 };
          const d = backoffDelay(n, p, () => r);
          const exp = Math.min(p.capMs, p.baseMs * 2 ** (n - 1));
          return d >= exp / 2 && d <= exp && d <= p.capMs;
        },
      ),
    );
  });

  it("withRetry surfaces the last error when attempts run out", async () => {
    await assert.rejects(
      withRetry(
        async () => {
          throw awsError("ThrottlingException");
        },
        {
          clock: new ManualClock(),
          random: () => 0.5,
          policy: { maxAttempts: 2, baseMs: 1, capMs: 1 },
        },
      ),
      /ThrottlingException/,
    );
  });

  it("reports the actual critical path through the latest-finishing dependencies", () => {
    const steps = [mk("a"), mk("b"), mk("c", ["a", "b"])];
    const cp = actualCriticalPath(steps, {
      a: { startedAt: 0, finishedAt: 5 },
      b: { startedAt: 0, finishedAt: 9 },
      c: { startedAt: 9, finishedAt: 10 },
    });
    assert.deepEqual(cp, ["b", "c"]);
  });

  it("step timeout errors carry the step id", () => {
    const e = new StepTimeoutError("x", 5);
    assert.equal(e.stepId, "x");
  });
});

describe("engine: file journal", () => {
  const r1 = "switchover-20261122T030000Z-a1b2c3";
  const r2 = "failover-20261122T030500Z-d4e5f6";
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses a second run while one is active, and survives a torn last line", () => {
    const store = new FileJournalStore(dir);
    store.start({
      type: "run-started",
      at: 1,
      runId: r1,
      command: "switchover",
      params: { to: "x" },
      stepIds: ["a"],
    });
    store.append(r1, { type: "step-started", at: 2, id: "a" });
    assert.throws(
      () =>
        new FileJournalStore(dir).start({
          type: "run-started",
          at: 3,
          runId: r2,
          command: "failover",
          params: {},
          stepIds: [],
        }),
      RunInProgressError,
    );
    fs.appendFileSync(path.join(dir, "runs", `${r1}.jsonl`), '{"type":"step-fini');
    const active = new FileJournalStore(dir).active()!;
    assert.equal(active.runId, r1);
    assert.equal(active.events.length, 2);
    assert.deepEqual(summarize(active.events).interrupted, ["a"]);
  });

  it("a failed run stays active; a succeeded one releases the directory", () => {
    const store = new FileJournalStore(dir);
    store.start({ type: "run-started", at: 1, runId: r1, command: "c", params: {}, stepIds: [] });
    store.finish(r1, { type: "run-finished", at: 2, status: "failed" });
    assert.equal(store.active()?.runId, r1);
    store.finish(r1, { type: "run-finished", at: 3, status: "succeeded" });
    assert.equal(store.active(), undefined);
    assert.equal(store.read(r1).length, 3);
  });
});

describe("engine: interrupted state changes", () => {
  it("names state-changing steps a failure stopped mid-way", async () => {
    const result = await runSteps({
      runId: "r3",
      command: "test",
      params: {},
      steps: [
        {
          id: "fails",
          title: "fails",
          dependsOn: [],
          mutates: false,
          budgetSeconds: 1,
          timeoutSeconds: 60,
          run: async (ctx) => {
            await ctx.clock.sleep(1000);
            throw Object.assign(new Error("denied"), { name: "AccessDenied" });
          },
        },
        {
          id: "promote",
          title: "promote",
          dependsOn: [],
          mutates: true,
          budgetSeconds: 1,
          timeoutSeconds: 600,
          run: async () => undefined,
          verify: async () => ({ ok: false, detail: "promoting" }),
        },
      ],
      journal: new MemoryJournalStore(),
      clock: new ManualClock(),
      random: seededRandom(1),
      approver: async () => true,
    });
    assert.equal(result.status, "failed");
    assert.deepEqual(result.failure?.interrupted, ["promote"]);
  });
});
