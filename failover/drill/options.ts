import * as fs from "fs";
import { z } from "zod";
import { InputValidationError } from "../../validation/issues";
import { FaultSpec } from "./faults";

/**
 * Scheduled faults from a file (`--faults faults.json`): a JSON list of fault objects, times in
 * seconds from the start of the scenario (the fault or command time). Validated so that a
 * typo names the entry and the key.
 */
const region = z.string().min(1, { error: "must name a region." });
const time = z.number().nonnegative({ error: "must be seconds, 0 or more." });
const rate = z.number().min(0).max(1, { error: "must be a fraction between 0 and 1." });
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
    factor: z.number().min(1, { error: "must be 1 or more." }),
  }),
]);

/** Reads and checks a faults file; times are shifted by `offset` (the scenario start). */
export function readFaultsFile(file: string, offset: number): FaultSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputValidationError(file, [
      {
        key: "--faults",
        message: `cannot be read as JSON (${(e as Error).message}); pass a file holding a JSON list of faults (see the README (Drills)).`,
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
        message: `${i.message} See the README (Drills) for the fault types and their fields.`,
      })),
    );
  }
  return parsed.data.map(
    (f) =>
      ({
        ...f,
        at: f.at + offset,
        until: f.until === undefined ? undefined : f.until + offset,
      }) as FaultSpec,
  );
}
