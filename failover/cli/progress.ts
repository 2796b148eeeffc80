import { RunnerEvent } from "../engine/runner";
import { Palette, palette } from "./colour";
import { Sink } from "./deps";

const ICON: Record<string, [string, keyof Palette]> = {
  done: ["ok  ", "ok"],
  "already-done": ["ok= ", "ok"],
  approved: ["ok  ", "ok"],
  degraded: ["DEGR", "warn"],
  failed: ["FAIL", "bad"],
  declined: ["STOP", "bad"],
  cancelled: ["stop", "warn"],
};

/**
 * Human progress: one line when a step starts and ends (with its elapsed time), its notes,
 * retries, and what it is waiting for (when that changes, or every 30 s), so a 3 a.m.
 * operator always sees what is running and for how long.
 */
export function progressPrinter(
  out: Sink,
  now: () => number,
  colours: Palette = palette(false),
): (e: RunnerEvent) => void {
  const icon = (result: string) => {
    const known = ICON[result];
    return known ? colours[known[1]](known[0]) : result;
  };
  let t0: number | undefined;
  const lastWait = new Map<string, { detail: string; at: number }>();
  const stamp = () => {
    const s = ((now() - (t0 ?? now())) / 1000).toFixed(1);
    return `[${s.padStart(6)}s]`;
  };
  return (e) => {
    switch (e.type) {
      case "run-start":
        t0 = e.at;
        out.write(`${e.resumed ? "Resuming" : "Starting"} run ${e.runId}\n`);
        break;
      case "step-skip":
        out.write(`${stamp()} skip  ${e.step.id}: finished before the resume (${e.result})\n`);
        break;
      case "step-start":
        out.write(`${stamp()} ...   ${e.step.id}: ${e.step.title}\n`);
        break;
      case "step-note":
        out.write(`${stamp()}       ${e.step.id}: ${e.message}\n`);
        break;
      case "step-retry":
        out.write(
          `${stamp()} ${colours.warn("retry")} ${e.step.id}: attempt ${e.attempt} failed (${(e.error as Error)?.message ?? e.error}); next in ${(e.delayMs / 1000).toFixed(1)} s\n`,
        );
        break;
      case "step-wait": {
        const prev = lastWait.get(e.step.id);
        if (!prev || prev.detail !== e.detail || now() - prev.at >= 30_000) {
          lastWait.set(e.step.id, { detail: e.detail, at: now() });
          out.write(
            `${stamp()} ${colours.warn("wait")}  ${e.step.id} (${(e.elapsedMs / 1000).toFixed(0)} s): ${e.detail}\n`,
          );
        }
        break;
      }
      case "step-end":
        out.write(
          `${stamp()} ${icon(e.result)} ${e.step.id} (${(e.elapsedMs / 1000).toFixed(1)} s)` +
            (e.error ? `: ${e.error.message}` : "") +
            "\n",
        );
        break;
    }
  };
}
