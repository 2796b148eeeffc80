import { z } from "zod";
import { isAwsRegion } from "../../config/regions";
import { formatPath, InputIssue } from "../../validation/issues";
import { Rng } from "../simulator/rng";
import { SERVICE_NAMES } from "./services";

/**
 * Faults the emulator injects, from `--faults FILE` or `POST /_emulator/faults`: a JSON list,
 * each entry for one region (optionally one service and operation), active from `at` until
 * `until` (seconds since the emulator started; both optional).
 *
 * Network faults act on the socket: `black-hole` reads the request and never answers,
 * `reset` destroys the connection (TCP RST), `slow` delays the reply, `refused` closes the
 * region's own listener (ECONNREFUSED; see docs/emulator.md for the shared port). `error`
 * answers with an AWS error for a fraction of calls. `outage`, `isolation` and `partition`
 * are the simulator's own faults (World): they change what the models do, not just replies.
 */

const region = z
  .string()
  .refine(isAwsRegion, { error: "must be an AWS region name, e.g. us-east-1." });
const time = z
  .number()
  .nonnegative({ error: "must be seconds since the emulator started, 0 or more." });
const span = { at: time.optional(), until: time.optional() };
const scope = {
  region,
  service: z
    .enum(SERVICE_NAMES as [string, ...string[]], {
      error: `must be a SigV4 service name: ${SERVICE_NAMES.join(", ")}.`,
    })
    .optional(),
  operation: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: "must be an operation name, e.g. GetItem." })
    .optional(),
};

export const faultSchema = z
  .discriminatedUnion(
    "type",
    [
      z.strictObject({ type: z.literal("black-hole"), ...scope, ...span }),
      z.strictObject({ type: z.literal("reset"), ...scope, ...span }),
      z.strictObject({
        type: z.literal("slow"),
        ...scope,
        ...span,
        delayMs: z
          .number()
          .int()
          .positive({ error: "must be a whole number of milliseconds, 1 or more." })
          .max(600_000, { error: "must be at most 600000 (10 minutes)." }),
      }),
      z.strictObject({
        type: z.literal("error"),
        ...scope,
        ...span,
        code: z.string().regex(/^[A-Za-z][A-Za-z0-9.]*$/, {
          error: "must be an AWS error code, e.g. ThrottlingException.",
        }),
        status: z
          .number()
          .int()
          .min(400, { error: "must be an HTTP error status, 400 to 599." })
          .max(599, { error: "must be an HTTP error status, 400 to 599." })
          .optional(),
        message: z.string().optional(),
        rate: z
          .number()
          .min(0, { error: "must be a fraction between 0 and 1." })
          .max(1, { error: "must be a fraction between 0 and 1." })
          .optional(),
      }),
      z.strictObject({ type: z.literal("refused"), region, ...span }),
      z.strictObject({ type: z.literal("outage"), region, ...span }),
      z.strictObject({ type: z.literal("isolation"), region, ...span }),
      z.strictObject({ type: z.literal("partition"), regions: z.tuple([region, region]), ...span }),
    ],
    {
      error:
        "must have a type: black-hole, reset, slow, refused, error, outage, isolation or partition.",
    },
  )
  .refine((f) => f.until === undefined || f.until > (f.at ?? 0), {
    error: "until must be after at.",
    path: ["until"],
  });

export type FaultSpec = z.infer<typeof faultSchema>;
export type FaultType = FaultSpec["type"];
type ErrorFault = Extract<FaultSpec, { type: "error" }>;

/** What the emulator can fault: the regions of the simulation and of its own listeners. */
export interface FaultTargets {
  /** Regions the simulation models (outage, isolation and partition need one of these). */
  worldRegions: readonly string[];
  /** Regions with their own listener (refused needs one of these). */
  listenerRegions: readonly string[];
}

/** Checks a faults document; every problem of every entry comes back as a key and a fix. */
export function parseFaults(
  json: unknown,
  targets: FaultTargets,
): { faults: FaultSpec[] } | { issues: InputIssue[] } {
  if (!Array.isArray(json)) {
    return {
      issues: [
        {
          key: "<root>",
          message:
            'must be a JSON list of faults, e.g. [{"type": "outage", "region": "eu-west-1"}].',
        },
      ],
    };
  }
  const issues: InputIssue[] = [];
  const faults: FaultSpec[] = [];
  json.forEach((entry, i) => {
    const parsed = faultSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of zodIssues(parsed.error.issues)) {
        issues.push({ ...issue, key: issue.key === "<root>" ? `[${i}]` : `[${i}].${issue.key}` });
      }
      return;
    }
    const f = parsed.data;
    faults.push(f);
    const need = (r: string, key: string, where: readonly string[], why: string) => {
      if (!where.includes(r)) {
        issues.push({ key: `[${i}].${key}`, message: `${r} ${why} (${where.join(", ")}).` });
      }
    };
    if (f.type === "outage" || f.type === "isolation") {
      need(f.region, "region", targets.worldRegions, "has no DR manifest; pick a simulated region");
    } else if (f.type === "partition") {
      f.regions.forEach((r, j) =>
        need(
          r,
          `regions[${j}]`,
          targets.worldRegions,
          "has no DR manifest; pick a simulated region",
        ),
      );
      if (f.regions[0] === f.regions[1]) {
        issues.push({ key: `[${i}].regions`, message: "must name two different regions." });
      }
    } else if (f.type === "refused") {
      need(f.region, "region", targets.listenerRegions, "has no listener of its own to close");
    }
  });
  return issues.length > 0 ? { issues } : { faults };
}

export function isActive(f: FaultSpec, seconds: number): boolean {
  return (f.at ?? 0) <= seconds && (f.until === undefined || seconds < f.until);
}

/** What happens to one request, decided before the service sees it. */
export interface Decision {
  /** Added before the reply is sent (slow faults add up). */
  delayMs: number;
  /** Instead of the service's reply. */
  action?: { kind: "black-hole" | "reset" | "refused" } | { kind: "error"; fault: ErrorFault };
}

/** The current fault set; replaced as a whole by the admin API. */
export class FaultSet {
  private faults: FaultSpec[] = [];

  constructor(private readonly rng: Rng) {}

  set(faults: FaultSpec[]): void {
    this.faults = [...faults];
  }

  all(): FaultSpec[] {
    return [...this.faults];
  }

  active(seconds: number): FaultSpec[] {
    return this.faults.filter((f) => isActive(f, seconds));
  }

  /**
   * The decision for a request: slow faults add their delays; then the first matching
   * black-hole, reset, refused or error fault (in list order) takes the request, an error
   * fault only for its `rate` of calls.
   */
  decide(seconds: number, region: string, service: string, operation: string): Decision {
    const decision: Decision = { delayMs: 0 };
    for (const f of this.active(seconds)) {
      if (!("region" in f) || f.region !== region) continue;
      if ("service" in f && f.service !== undefined && f.service !== service) continue;
      if ("operation" in f && f.operation !== undefined && f.operation !== operation) continue;
      if (f.type === "slow") {
        decision.delayMs += f.delayMs;
        continue;
      }
      if (decision.action) continue;
      if (f.type === "black-hole" || f.type === "reset" || f.type === "refused") {
        decision.action = { kind: f.type };
      } else if (f.type === "error" && this.rng.next() < (f.rate ?? 1)) {
        decision.action = { kind: "error", fault: f };
      }
    }
    return decision;
  }

  /** Regions whose own listener must be closed now. */
  refused(seconds: number): Set<string> {
    return new Set(this.active(seconds).flatMap((f) => (f.type === "refused" ? [f.region] : [])));
  }

  /** The simulator's world as the active faults want it. */
  world(seconds: number): { down: Set<string>; isolated: Set<string>; cuts: Set<string> } {
    const out = { down: new Set<string>(), isolated: new Set<string>(), cuts: new Set<string>() };
    for (const f of this.active(seconds)) {
      if (f.type === "outage") out.down.add(f.region);
      else if (f.type === "isolation") out.isolated.add(f.region);
      else if (f.type === "partition") out.cuts.add(cutKey(f.regions[0], f.regions[1]));
    }
    return out;
  }
}

export function cutKey(a: string, b: string): string {
  return [a, b].sort().join("|");
}

/** zod's issues as keys (`[1].rate`) and messages that say what to write instead. */
export function zodIssues(issues: ReadonlyArray<z.core.$ZodIssue>): InputIssue[] {
  return issues.flatMap((issue): InputIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        key: formatPath("", [...issue.path, k]),
        message: "is not a field here; remove it or check its spelling (docs/emulator.md).",
      }));
    }
    return [{ key: formatPath("", issue.path) || "<root>", message: issue.message }];
  });
}
