import * as fs from "fs";
import { z } from "zod";
import { InputIssue, InputValidationError } from "../../validation/issues";
import { faultRegions, FaultSpec } from "./faults";

/**
 * Scheduled faults from a file (`--faults faults.json`): a JSON list of fault objects, times in
 * seconds from the drill's time zero (the fault, or the command for a plain switchover), the
 * same time base as the report and the timeline picture. Checked so that every problem names
 * the entry, the key and the fix (docs/drill-replay.md).
 */

/** The drill gives up after 4 virtual hours: a fault later than that never happens. */
export const MAX_FAULT_SECONDS = 4 * 3600;
/** A slow-down beyond this turns a 2-minute promotion into hours: a typo, not a drill. */
export const MAX_SLOW_FACTOR = 100;

const DOC = "See docs/drill-replay.md (Faults file).";
const region = z.string().min(1, { error: "must name a region." });
const time = z
  .number({ error: "must be a number of seconds." })
  .nonnegative({ error: "must be seconds from the drill's time zero, 0 or more." })
  .max(MAX_FAULT_SECONDS, {
    error: `must be at most ${MAX_FAULT_SECONDS} s (the drill gives up after 4 hours).`,
  });
const rate = z
  .number({ error: "must be a fraction between 0 and 1." })
  .min(0, { error: "must be a fraction between 0 and 1, not negative." })
  .max(1, { error: "must be a fraction between 0 and 1 (0.3 = 30% of calls)." });
const span = { at: time, until: time.optional() };

export const faultSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("region-outage"), region, ...span }),
  z.strictObject({ type: z.literal("isolation"), region, ...span }),
  z.strictObject({ type: z.literal("partition"), regions: z.tuple([region, region]), ...span }),
  z.strictObject({ type: z.literal("brownout"), region, ...span, failRate: rate, hangRate: rate }),
  z.strictObject({ type: z.literal("throttling"), region, ...span, rate }),
  z.strictObject({ type: z.literal("internal-failure"), region, ...span, rate }),
  z.strictObject({
    type: z.literal("slow"),
    region,
    ...span,
    factor: z.number({ error: "must be a number (times slower)." }),
  }),
]);

/**
 * What the schema cannot say: a fault that ends before it starts, a partition of a region with
 * itself, a factor or rate that injects nothing or is absurd, a region with no manifest.
 * `key` is the entry's own key (`[2]`); `regions` the drill's regions (unchecked when omitted).
 */
export function faultIssues(f: FaultSpec, key: string, regions?: readonly string[]): InputIssue[] {
  const out: InputIssue[] = [];
  const issue = (field: string, message: string) =>
    out.push({ key: `${key}.${field}`, message: `${message} ${DOC}` });
  if (f.until !== undefined && f.until <= f.at)
    issue(
      "until",
      `is ${f.until} s, not after at (${f.at} s): a fault ends after it starts; set until above ${f.at}, or leave it out for a fault that lasts to the end of the drill.`,
    );
  switch (f.type) {
    case "partition":
      if (f.regions[0] === f.regions[1])
        issue(
          "regions",
          `names ${f.regions[0]} twice: a partition cuts two different regions apart; name two regions, or use type "isolation" to cut ${f.regions[0]} off from every peer.`,
        );
      break;
    case "brownout":
      if (f.failRate === 0 && f.hangRate === 0)
        issue("failRate", "and hangRate are both 0, which injects nothing; set either above 0.");
      else if (f.failRate + f.hangRate > 1)
        issue(
          "failRate",
          `plus hangRate is ${f.failRate + f.hangRate}, more than every call; keep their sum at most 1.`,
        );
      break;
    case "throttling":
    case "internal-failure":
      if (f.rate === 0)
        issue("rate", "is 0, which injects nothing; pass a fraction above 0 (0.3 = 30% of calls).");
      break;
    case "slow":
      if (!(f.factor > 1) || f.factor > MAX_SLOW_FACTOR)
        issue(
          "factor",
          `is ${f.factor}: pass how many times slower calls and promotions get, above 1 (1 changes nothing, 0 or less means nothing) and at most ${MAX_SLOW_FACTOR}.`,
        );
      break;
  }
  if (regions) {
    const field = f.type === "partition" ? "regions" : "region";
    for (const r of faultRegions(f))
      if (!regions.includes(r))
        issue(
          field,
          `names ${r}, which has no manifest in this drill; use one of ${regions.join(", ")}.`,
        );
  }
  return out;
}

/**
 * Reads and checks a faults file. Times stay as the file has them: seconds from the drill's time
 * zero (`runDrill`'s `fileFaults`). `regions`: the drill's regions (unchecked when omitted).
 */
export function readFaultsFile(file: string, regions?: readonly string[]): FaultSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputValidationError(file, [
      {
        key: "--faults",
        message: `cannot be read as JSON (${(e as Error).message}); pass a file holding a JSON list of faults. ${DOC}`,
      },
    ]);
  }
  const parsed = z.array(faultSchema).safeParse(json);
  if (!parsed.success) {
    throw new InputValidationError(
      file,
      parsed.error.issues.map((i) => ({
        key:
          i.path
            .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
            .join("")
            .replace(/^\./, "") || "<root>",
        message: `${i.message} ${DOC}`,
      })),
    );
  }
  const faults = parsed.data as FaultSpec[];
  const issues = faults.flatMap((f, i) => faultIssues(f, `[${i}]`, regions));
  if (issues.length > 0) throw new InputValidationError(file, issues);
  return faults;
}

/** The same fault `by` seconds later: from the drill's time zero onto the simulator's clock. */
export function shiftFault(f: FaultSpec, by: number): FaultSpec {
  return { ...f, at: f.at + by, ...(f.until === undefined ? {} : { until: f.until + by }) };
}
