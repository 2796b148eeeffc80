import { z } from "zod";
import { drManifestSchema } from "../../manifest/schema";
import { formatPath } from "../../validation/issues";

/*
 * The shapes of what the journal holds on disk. The journal is input like any other: a line
 * edited by hand, a file damaged by a disk or a copy, a marker naming a path instead of a
 * run, must be refused with a message, never trusted into a TypeError or an AWS call.
 */

/**
 * The ids `failover` gives runs: the command, the UTC start time and six random hex digits
 * (`switchover-20261122T030000Z-a1b2c3`). Ids become file names, so nothing else is accepted
 * where an id is read from the journal directory or from `--abandon`.
 */
// 12 hex digits since run ids also name the run claim across operators (6 in older journals).
export const RUN_ID_PATTERN =
  /^(?:switchover|failover|failback|restore)-\d{8}T\d{6}Z-(?:[0-9a-f]{6}|[0-9a-f]{12})$/;

export const RUN_ID_EXAMPLE = "switchover-20261122T030000Z-a1b2c3";

export function isRunId(value: unknown): value is string {
  return typeof value === "string" && RUN_ID_PATTERN.test(value);
}

const time = z.number({ error: "must be a time in epoch milliseconds." });
const count = z.number().int().nonnegative();
const pid = z.number().int().positive().optional();
const host = z.string().optional();
const notes = z.array(z.string()).optional();

/** What the run-started event holds besides its type and time. */
export const runHeaderSchema = z.object({
  runId: z.string().min(1),
  command: z.string().min(1),
  /** Everything a resume needs to rebuild the same graph (regions, epoch, manifests...). */
  params: z.record(z.string(), z.unknown()),
  stepIds: z.array(z.string()),
  pid,
  host,
});

export const runStartedSchema = z.object({
  type: z.literal("run-started"),
  at: time,
  ...runHeaderSchema.shape,
});

/** One line of `<dir>/runs/<runId>.jsonl`. */
export const journalEventSchema = z.discriminatedUnion(
  "type",
  [
    runStartedSchema,
    z.object({ type: z.literal("run-resumed"), at: time, pid, host }),
    z.object({ type: z.literal("step-started"), at: time, id: z.string().min(1) }),
    z.object({
      type: z.literal("step-finished"),
      at: time,
      id: z.string().min(1),
      /**
       * `done` (acted), `already-done` (postcondition held), `approved` (gate), `degraded` (a
       * degradable step failed; the run went on without it).
       */
      result: z.enum(["done", "already-done", "approved", "degraded"]),
      startedAt: time,
      attempts: count,
      output: z.unknown().optional(),
      notes,
    }),
    z.object({
      type: z.literal("step-failed"),
      at: time,
      id: z.string().min(1),
      startedAt: time,
      attempts: count,
      error: z.object({ name: z.string(), message: z.string() }),
      notes,
    }),
    z.object({
      type: z.literal("run-finished"),
      at: time,
      status: z.enum(["succeeded", "failed", "cancelled", "abandoned"]),
    }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? "must be one of run-started, run-resumed, step-started, step-finished, step-failed, run-finished."
        : undefined,
  },
);

export type RunHeader = z.infer<typeof runHeaderSchema>;
export type JournalEvent = z.infer<typeof journalEventSchema>;

/** `<dir>/active.json`: which run is unfinished, and who started it. */
export const activeMarkerSchema = z.object({
  runId: z.string().regex(RUN_ID_PATTERN, {
    error: `is not a run id this tool writes (they look like ${RUN_ID_EXAMPLE}).`,
  }),
  pid,
  host,
});

export type ActiveMarker = z.infer<typeof activeMarkerSchema>;

const RUNBOOK_KINDS = ["switchover", "failover", "failback", "restore"] as const;
const COMMANDS = ["switchover", "failover", "failback"] as const;
const nonNegative = z
  .number({ error: "must be a number >= 0." })
  .min(0, { error: "must be a number >= 0." });

/** The params of a run-started header that a resume rebuilds the run from. */
export const journaledParamsSchema = z.object({
  kind: z.enum(RUNBOOK_KINDS, { error: `must be one of ${RUNBOOK_KINDS.join(", ")}.` }),
  from: z.string({ error: "must be a region." }).min(1, { error: "must be a region." }),
  to: z.string({ error: "must be a region." }).min(1, { error: "must be a region." }),
  epoch: z
    .number({ error: "must be a positive integer." })
    .int({ error: "must be a positive integer." })
    .positive({ error: "must be a positive integer." }),
  thresholds: z.object(
    {
      maxLagSeconds: nonNegative,
      drainLagSeconds: nonNegative,
      drainMessages: nonNegative,
      writerLeaseSeconds: nonNegative.optional(),
      switchMarginSeconds: nonNegative.optional(),
    },
    { error: "must hold maxLagSeconds, drainLagSeconds and drainMessages." },
  ),
  manifests: z
    .array(
      z.object({
        manifest: drManifestSchema,
        source: z.string({ error: "must name the manifest's file." }).min(1),
      }),
      { error: "must list the DR manifests the run started from." },
    )
    .min(1, { error: "must list the DR manifests the run started from." }),
});

export type JournaledRunParams = z.infer<typeof journaledParamsSchema>;

/** `key: problem` for each zod issue, keys as `params.thresholds.maxLagSeconds` (none at the root). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string[] {
  return issues.map((i) => {
    const key = formatPath(prefix, i.path);
    return key ? `${key}: ${i.message}` : i.message;
  });
}

/** Problems on one line: `a: must be x; b: must be y`. */
export function joinProblems(problems: readonly string[]): string {
  return problems.map((p) => p.replace(/\.$/, "")).join("; ");
}

/**
 * Checks what a resume trusts from a run-started header: the command, the params and how
 * they fit together. Returns the params, or every problem found.
 */
export function checkResumeHeader(
  header: Pick<RunHeader, "command" | "params">,
): { ok: true; params: JournaledRunParams } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (!(COMMANDS as readonly string[]).includes(header.command)) {
    problems.push(`command: '${header.command}' is not one of ${COMMANDS.join(", ")}`);
  }
  const parsed = journaledParamsSchema.safeParse(header.params);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, "params"));
  // How kind, from and to fit together, as far as each of them is well-formed.
  const { kind, from, to } = header.params;
  if (
    (RUNBOOK_KINDS as readonly unknown[]).includes(kind) &&
    typeof from === "string" &&
    typeof to === "string"
  ) {
    if (kind === "restore" && from !== to) {
      problems.push(
        `params.to: a restore gives writes back to the region that holds them, so from and to must be the same (${from} and ${to})`,
      );
    } else if (kind !== "restore" && from === to) {
      problems.push(
        `params.to: a ${String(kind)} must go to another region than it comes from (${from})`,
      );
    }
    const fits = kind === header.command || (kind === "restore" && header.command === "switchover");
    if (!fits && (COMMANDS as readonly string[]).includes(header.command)) {
      problems.push(`params.kind: a '${header.command}' run cannot be a ${String(kind)}`);
    }
  }
  if (!parsed.success) return { ok: false, problems };
  const p = parsed.data;
  for (const key of ["from", "to"] as const) {
    if (!p.manifests.some((m) => m.manifest.region === p[key])) {
      problems.push(`params.${key}: no journaled manifest is for ${p[key]}`);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, params: p };
}
