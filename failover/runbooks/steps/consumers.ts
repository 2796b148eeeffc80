/*
 * Consumers: the Lambda event source mappings that write to the stores (manifest
 * `stores.functions.consumers[]`, `writerOnly: true`). Each cell has them; only the writer's are
 * enabled. The failover commands switch them with UpdateEventSourceMapping `Enabled` (as AWS ARC
 * Region switch's Lambda block does); `pulumi up` ignores `enabled`, so it does not switch them
 * back. Consumers that run in every cell (`writerOnly: false`) are not touched.
 *
 * Order, so that two regions' writer-only consumers never run at once and the writer is never
 * left without its consumers longer than needed:
 *   planned:  drain the source queue (before the fence) -> fence -> disable the source's
 *             (verified Disabled, leftover reported) -> [target writable] -> enable the
 *             target's (verified Enabled) -> unfence.
 *   failover: [target writable] -> enable the target's -> unfence. The failed region is never
 *             called: its mappings are presumed running, and their writes are refused by
 *             write admission there (its fence; admission/).
 *   failback: the returning region's mappings are disabled first (after a failover they were
 *             never switched off), then as planned.
 * The admission contract, not this order, is what keeps a single writer: a consumer in a fenced
 * region writes nothing. These steps keep that region from taking messages off its queue only to
 * fail them (into its DLQ) and give the new writer its consumers. So each one is degradable: a
 * failure never stops the database and traffic steps; the report says what to finish by hand.
 */
import { DrManifest } from "../../../manifest";
import { AdapterError, EventSourceMappingState, QueueDepth, Region } from "../../adapters/types";
import { Step, StepConditionError, StepContext } from "../../engine/graph";
import { StepCtx, step } from "../context";

/** One entry of `stores.functions.consumers[]` (the FUNCTIONS layer's manifest contract). */
export interface ConsumerMapping {
  name: string;
  functionName: string;
  functionArn: string;
  eventSourceMappingUuid: string;
  sourceArn: string;
  source: "sqs" | "dynamodb-stream";
  writerOnly: boolean;
}

/** How long the source queue's drain waits before the run goes on and reports what is left. */
export const DEFAULT_QUEUE_DRAIN_SECONDS = 30;

/**
 * A cell's writer-only consumers. Manifests written before the functions layer have no
 * `stores.functions`: they get no consumer steps.
 */
export function writerOnlyConsumers(m: DrManifest): ConsumerMapping[] {
  const stores = m.stores as unknown as { functions?: { consumers?: ConsumerMapping[] } | null };
  return (stores.functions?.consumers ?? []).filter((x) => x.writerOnly);
}

/** The queue URL of an SQS source: the cell's queue from the manifest, else built from the ARN. */
export function queueUrlOf(m: DrManifest, queueArn: string): string {
  const q = (m.stores as unknown as { queue?: { queueArn: string; queueUrl: string } }).queue;
  if (q?.queueArn === queueArn) return q.queueUrl;
  const [, , , region, account, name] = queueArn.split(":");
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

/** The SQS queues a cell's writer-only consumers read. */
function sourceQueues(m: DrManifest): { arn: string; url: string }[] {
  const arns = [
    ...new Set(writerOnlyConsumers(m).flatMap((x) => (x.source === "sqs" ? [x.sourceArn] : []))),
  ];
  return arns.map((arn) => ({ arn, url: queueUrlOf(m, arn) }));
}

const total = (d: QueueDepth) => d.visible + d.notVisible + d.delayed;
const describeDepth = (d: QueueDepth) =>
  `${d.visible} visible, ${d.notVisible} in flight${d.delayed ? `, ${d.delayed} delayed` : ""}`;

async function depths(c: StepCtx, region: Region, m: DrManifest) {
  return Promise.all(
    sourceQueues(m).map(async (q) => ({ ...q, depth: await c.aws.sqs.queueDepth(region, q.url) })),
  );
}

/** Every writer-only mapping of `m` exists and points where the manifest says (read only). */
export function preflightConsumers(c: StepCtx): Step | undefined {
  const cells = c.unplanned ? [c.toCell] : [...new Set([c.fromCell, c.toCell])];
  if (cells.every((m) => writerOnlyConsumers(m).length === 0)) return undefined;
  return step({
    id: "preflight.consumers",
    title: `Check the writer-only consumers' event source mappings (${cells.map((m) => m.region).join(", ")})`,
    region: c.run.to,
    budgetSeconds: 2,
    run: async (ctx) => {
      const states: Record<string, string> = {};
      for (const m of cells) {
        for (const x of writerOnlyConsumers(m)) {
          const s = await c.aws.lambda.getEventSourceMapping(m.region, x.eventSourceMappingUuid);
          if (s.eventSourceArn && s.eventSourceArn !== x.sourceArn) {
            throw new StepConditionError(
              `${x.name} in ${m.region} (mapping ${x.eventSourceMappingUuid}) reads ${s.eventSourceArn}, not ${x.sourceArn} as the manifest says; run 'pulumi up' on stack ${m.stack} and re-export its manifest.`,
            );
          }
          states[`${m.region}/${x.name}`] = s.state;
        }
      }
      ctx.note(
        Object.entries(states)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      );
      if (!c.unplanned) {
        const early = writerOnlyConsumers(c.toCell).filter(
          (x) => states[`${c.run.to}/${x.name}`] !== "Disabled",
        );
        if (early.length > 0 && c.run.from !== c.run.to) {
          ctx.note(
            `${c.run.to}'s ${early.map((x) => x.name).join(", ")} already ${early.length === 1 ? "is" : "are"} not Disabled; fenced there, so refused by write admission until the target is unfenced`,
          );
        }
      }
      return { states };
    },
  });
}

/**
 * Planned runs, before the fence: wait (bounded) for the source's queues to empty while the
 * source is still the writer and its consumers can still write. After the fence they could not
 * (admission refuses a fenced region), so waiting then would only cost write availability.
 * Whatever is left, or arrives until clients follow the writer name, stays in the source queue
 * with its mapping disabled, and is reported by `consumers.disable.source`.
 */
export function drainQueues(c: StepCtx, dependsOn: string[]): Step | undefined {
  if (c.unplanned || c.run.from === c.run.to || sourceQueues(c.fromCell).length === 0) {
    return undefined;
  }
  const maxWait = c.run.thresholds.queueDrainSeconds ?? DEFAULT_QUEUE_DRAIN_SECONDS;
  let since: number | undefined;
  return step({
    id: "consumers.drain",
    title: `Drain ${c.run.from}'s queue before the fence (waits up to ${maxWait} s, then reports what is left)`,
    region: c.run.from,
    dependsOn,
    budgetSeconds: 5,
    timeoutSeconds: maxWait + 120,
    pollSeconds: 5,
    verify: async (ctx) => {
      since ??= ctx.clock.now();
      const qs = await depths(c, c.run.from, c.fromCell);
      const left = qs.filter((q) => total(q.depth) > 0);
      if (left.length === 0) return { ok: true };
      const detail = left
        .map((q) => `${q.arn.split(":")[5]}: ${describeDepth(q.depth)}`)
        .join("; ");
      if (ctx.clock.now() - since < maxWait * 1000) return { ok: false, detail };
      ctx.note(`not empty after ${maxWait} s (${detail}); going on: the fence must not wait`);
      return { ok: true };
    },
  });
}

type Want = "Enabled" | "Disabled";

const TRANSITIONAL = new Set(["Creating", "Enabling", "Disabling", "Updating"]);

class MappingInTransition extends Error {
  readonly retryable = true;
  constructor(message: string) {
    super(message);
    this.name = "MappingInTransition";
  }
}

/**
 * Switches every writer-only mapping of `m` to `want`, in `m`'s region. Idempotent: a mapping
 * already there is left alone; one on its way elsewhere is retried until it settles.
 */
function switchMappings(
  c: StepCtx,
  o: {
    id: string;
    title: string;
    m: DrManifest;
    want: Want;
    dependsOn: string[];
    degradable: string;
    report?: (ctx: StepContext) => Promise<unknown>;
  },
): Step {
  const region = o.m.region;
  const consumers = writerOnlyConsumers(o.m);
  const read = () =>
    Promise.all(
      consumers.map((x) => c.aws.lambda.getEventSourceMapping(region, x.eventSourceMappingUuid)),
    );
  const label = (s: EventSourceMappingState) =>
    `${consumers.find((x) => x.eventSourceMappingUuid === s.uuid)?.name ?? s.uuid} ${s.state}`;
  return step({
    id: o.id,
    title: o.title,
    region,
    dependsOn: o.dependsOn,
    mutates: true,
    budgetSeconds: 5,
    timeoutSeconds: 120,
    pollSeconds: 2,
    isDone: async () => (await read()).every((s) => s.state === o.want),
    run: async () => {
      for (const s of await read()) {
        if (s.state === o.want) continue;
        if (TRANSITIONAL.has(s.state)) {
          // Lambda refuses updates between states; the runner retries this run.
          throw new MappingInTransition(`${label(s)}; waiting for it to settle`);
        }
        try {
          await c.aws.lambda.setEventSourceMappingEnabled(region, s.uuid, o.want === "Enabled");
        } catch (e) {
          if (e instanceof AdapterError && e.kind === "invalid-state") {
            throw new MappingInTransition(`${label(s)}: ${e.message}`);
          }
          throw e;
        }
      }
    },
    verify: async (ctx) => {
      const states = await read();
      const ok = states.every((s) => s.state === o.want);
      if (ok && o.report) return { ok, detail: String(await o.report(ctx)) };
      return { ok, detail: states.map(label).join(", ") };
    },
    degradable: o.degradable,
  });
}

const disableCommand = (m: DrManifest) =>
  writerOnlyConsumers(m)
    .map(
      (x) =>
        `aws lambda update-event-source-mapping --region ${m.region} --uuid ${x.eventSourceMappingUuid} --no-enabled`,
    )
    .join("; ");
const enableCommand = (m: DrManifest) =>
  writerOnlyConsumers(m)
    .map(
      (x) =>
        `aws lambda update-event-source-mapping --region ${m.region} --uuid ${x.eventSourceMappingUuid} --enabled`,
    )
    .join("; ");

/** Planned runs, after the fence: the source's writer-only consumers stop; what is left is reported. */
export function disableSourceConsumers(c: StepCtx, dependsOn: string[]): Step | undefined {
  if (c.unplanned || c.run.from === c.run.to || writerOnlyConsumers(c.fromCell).length === 0) {
    return undefined;
  }
  return switchMappings(c, {
    id: "consumers.disable.source",
    title: `Disable ${c.run.from}'s writer-only consumers (Lambda event source mappings)`,
    m: c.fromCell,
    want: "Disabled",
    dependsOn,
    degradable:
      `${c.run.from}'s consumers may still poll its queue: fenced, their writes are refused by write admission, so those messages are retried into its DLQ. ` +
      `Disable them: ${disableCommand(c.fromCell)}`,
    report: async (ctx) => {
      // What stays behind in the source queue: processed when the region writes again.
      const qs = await depths(c, c.run.from, c.fromCell).catch(() => []);
      const left = qs.reduce((n, q) => n + total(q.depth), 0);
      if (left > 0) {
        ctx.note(
          `${left} messages stay in ${c.run.from}'s queue (${qs.map((q) => `${q.arn.split(":")[5]}: ${describeDepth(q.depth)}`).join("; ")}); they are processed when ${c.run.from} is the writer again, within the queue's retention`,
        );
      }
      return `disabled; ${left} messages left in ${c.run.from}'s queue`;
    },
  });
}

/** Failback only: the returning region's consumers are disabled before it can be writable. */
export function reprotectConsumers(c: StepCtx, dependsOn: string[]): Step | undefined {
  if (writerOnlyConsumers(c.toCell).length === 0) return undefined;
  return switchMappings(c, {
    id: "reprotect.consumers",
    title: `Disable ${c.run.to}'s writer-only consumers while it is fenced (left running by the failover)`,
    m: c.toCell,
    want: "Disabled",
    dependsOn,
    degradable: `${c.run.to}'s consumers may still poll its queue while it is fenced (their writes are refused; messages are retried into its DLQ). They are enabled at the end of this run anyway; to stop them now: ${disableCommand(c.toCell)}`,
  });
}

/** After the target is writable, before it is unfenced: its writer-only consumers start. */
export function enableTargetConsumers(c: StepCtx, dependsOn: string[]): Step | undefined {
  if (writerOnlyConsumers(c.toCell).length === 0) return undefined;
  const s = switchMappings(c, {
    id: "consumers.enable.target",
    title: `Enable ${c.run.to}'s writer-only consumers (Lambda event source mappings)`,
    m: c.toCell,
    want: "Enabled",
    dependsOn,
    degradable: `${c.run.to} writes, but its queue consumers may not run: messages wait in its queue (nothing is lost within the retention period). Enable them: ${enableCommand(c.toCell)}`,
  });
  const run = s.run!;
  return {
    ...s,
    run: async (ctx) => {
      if (c.unplanned) {
        ctx.note(
          `${c.run.from} is not called: its consumers are presumed running, and refused by write admission there (fenced)`,
        );
      } else if (
        c.run.from !== c.run.to &&
        writerOnlyConsumers(c.fromCell).length > 0 &&
        !("consumers.disable.source" in ctx.outputs)
      ) {
        ctx.note(
          `${c.run.from}'s consumers were not confirmed disabled; fenced, their writes are refused by write admission`,
        );
      }
      return run(ctx);
    },
  };
}
