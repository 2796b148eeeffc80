/*
 * Soak: the drill safety property (failover/drill/properties.ts) over many random fault
 * schedules and operator crashes, without mocha, spread over worker processes.
 *
 * Usage: npx tsx bench/soak.ts [--runs 100000] [--seed 1] [--workers <cpus>]
 * Prints progress, and for a failure the input and the command that replays it; exits 1 then.
 */
import { fork } from "child_process";
import * as os from "os";
import fc from "fast-check";
import {
  checkProperty,
  PropertyInput,
  propertyInput,
  replayHint,
} from "../failover/drill/properties";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Report {
  done: number;
  failure?: { input: PropertyInput; problem: string; faults: string[] };
}

async function worker(seed: number, runs: number): Promise<void> {
  const inputs = fc.sample(propertyInput, { numRuns: runs, seed });
  let done = 0;
  for (const input of inputs) {
    const { result, problem } = await checkProperty(input);
    done++;
    if (problem) {
      process.send!({
        done,
        failure: { input, problem, faults: result.faults.map((f) => f.text) },
      } satisfies Report);
      return;
    }
    if (done % 500 === 0) process.send!({ done } satisfies Report);
  }
  process.send!({ done } satisfies Report);
}

async function main(): Promise<void> {
  const runs = arg("--runs", 100_000);
  const seed = arg("--seed", 1);
  const workers = Math.max(1, arg("--workers", os.cpus().length));
  const started = Date.now();
  const per = Math.ceil(runs / workers);
  const progress = new Array<number>(workers).fill(0);
  let failed = false;
  let lastPrint = 0;
  await Promise.all(
    Array.from(
      { length: workers },
      (_, w) =>
        new Promise<void>((resolve) => {
          const child = fork(
            __filename,
            ["--worker", String(seed * 1000 + w), String(Math.min(per, runs - w * per))],
            {
              execArgv: ["--require", "tsx/cjs"],
            },
          );
          child.on("message", (m: Report) => {
            progress[w] = m.done;
            const total = progress.reduce((a, b) => a + b, 0);
            if (m.failure && !failed) {
              failed = true;
              console.log(
                `FAILED after ${total} runs: ${m.failure.problem}\nfaults: ${m.failure.faults.join("; ") || "none"}\ninput: ${JSON.stringify(m.failure.input)}\n${replayHint(m.failure.input)}`,
              );
            }
            if (Date.now() - lastPrint > 10_000) {
              lastPrint = Date.now();
              console.log(`${total}/${runs} runs, ${((Date.now() - started) / 1000).toFixed(0)} s`);
            }
          });
          child.on("exit", () => resolve());
        }),
    ),
  );
  const total = progress.reduce((a, b) => a + b, 0);
  const secs = (Date.now() - started) / 1000;
  console.log(
    `${failed ? "FAILED" : "OK"}: ${total} runs in ${secs.toFixed(0)} s (${(total / secs).toFixed(0)} runs/s, ${workers} workers, seed ${seed})`,
  );
  process.exit(failed ? 1 : 0);
}

if (process.argv[2] === "--worker") {
  worker(Number(process.argv[3]), Number(process.argv[4])).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  void main();
}
