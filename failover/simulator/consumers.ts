import { DrManifest } from "../../manifest";
import { AdapterError, EventSourceMappingState, QueueDepth } from "../adapters/types";
import { writerOnlyConsumers } from "../runbooks/steps/consumers";
import { Kernel } from "./kernel";
import { SimParams } from "./params";
import { Rng, sample } from "./rng";
import { Traffic } from "./traffic";
import { World } from "./world";

/**
 * The queue path of each cell: the API puts writes on the cell its writer name answers (its
 * SQS queue), and the cell's writer-only consumer (a Lambda event source mapping) takes them
 * off and writes them, through write admission like every writer. What it changes about who
 * writes:
 * - a Disabled mapping does not poll, so its messages wait in the queue;
 * - an enabled mapping in a region whose admission refuses (fenced, not the writer, lease run
 *   out) writes nothing: the message goes back to the queue and, after `maxReceiveCount`
 *   receives, to the DLQ;
 * - a mapping switches through Enabling/Disabling, taking `transitionSeconds`.
 * `overlaps` records every moment two regions' writer-only consumers poll at once while both
 * could be reached to switch them off (the failover commands' ordering promise); a region cut
 * off or down is exempt: on a failover its consumers are presumed running and only admission
 * guards them. `writes` records each consumer write, for the single-writer checks.
 */

interface Mapping {
  uuid: string;
  region: string;
  name: string;
  sourceArn: string;
  functionArn: string;
  state: string;
  /** Set while a transition is pending. */
  pending?: ReturnType<Kernel["after"]>;
}

interface Queue {
  visible: number;
  /** Messages taken by a consumer and not yet settled (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  /** Receive count per visible message (first-in, first-out). */
  receives: number[];
  deadLettered: number;
}

export class Consumers {
  readonly mappings = new Map<string, Mapping>();
  private readonly queues = new Map<string, Queue>();
  /** Every time two reachable regions' writer-only consumers polled at once. */
  readonly overlaps: { at: number; regions: string[] }[] = [];
  /** Consumer writes: [time, region]. */
  readonly writes: { at: number; region: string }[] = [];
  private lastOverlap = "";

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly params: SimParams["consumers"],
    manifests: DrManifest[],
    homeRegion: string,
    traffic: Traffic,
    accepting: (region: string) => boolean,
  ) {
    for (const m of manifests) {
      for (const x of writerOnlyConsumers(m)) {
        // The deployed state: enabled in the home cell only (pulumi ignores `enabled` after).
        this.mappings.set(x.eventSourceMappingUuid, {
          uuid: x.eventSourceMappingUuid,
          region: m.region,
          name: x.name,
          sourceArn: x.sourceArn,
          functionArn: x.functionArn,
          state: m.region === homeRegion ? "Enabled" : "Disabled",
        });
        if (x.source === "sqs" && !this.queues.has(x.sourceArn)) {
          this.queues.set(x.sourceArn, { visible: 0, inFlight: 0, receives: [], deadLettered: 0 });
        }
      }
    }
    if (this.mappings.size === 0) return;
    // The API's write route: one message per interval on the queue of the cell the name answers.
    kernel.every(params.enqueueIntervalSeconds, () => {
      const region = traffic.resolveWriter();
      if (!world.isUp(region)) return;
      const q = this.queueIn(region);
      if (!q) return;
      q.visible++;
      q.receives.push(0);
    });
    kernel.every(params.pollSeconds, () => {
      for (const m of this.mappings.values()) {
        if (!this.polling(m) || !world.isUp(m.region)) continue;
        const q = this.queues.get(m.sourceArn);
        if (!q || q.visible === 0) continue;
        const batch = Math.min(q.visible, params.batchSize);
        const receives = q.receives.splice(0, batch);
        q.visible -= batch;
        q.inFlight += batch;
        kernel.after(params.handlerSeconds, () => {
          q.inFlight -= batch;
          // The handler asks write admission when it writes, not when it was invoked.
          if (world.isUp(m.region) && accepting(m.region)) {
            for (let i = 0; i < batch; i++) this.writes.push({ at: kernel.now, region: m.region });
            return;
          }
          // Refused (partial batch failure): back after the visibility timeout, or to the DLQ.
          for (const n of receives) {
            if (n + 1 >= params.maxReceiveCount) q.deadLettered++;
            else
              kernel.after(params.visibilityTimeoutSeconds, () => {
                q.visible++;
                q.receives.push(n + 1);
              });
          }
        });
      }
    });
    kernel.onEvent(() => this.monitor());
  }

  /** Lambda polls a mapping from Enabling until Disabled. */
  private polling(m: Mapping): boolean {
    return m.state !== "Disabled" && m.state !== "Creating";
  }

  private queueIn(region: string): Queue | undefined {
    for (const m of this.mappings.values()) {
      if (m.region === region) return this.queues.get(m.sourceArn);
    }
    return undefined;
  }

  private monitor(): void {
    const regions = [
      ...new Set(
        [...this.mappings.values()]
          .filter(
            (m) =>
              this.polling(m) &&
              this.world.isUp(m.region) &&
              this.world.reachableFromOutside(m.region),
          )
          .map((m) => m.region),
      ),
    ].sort();
    const key = regions.join(",");
    if (key === this.lastOverlap) return;
    this.lastOverlap = key;
    if (regions.length > 1) this.overlaps.push({ at: this.kernel.now, regions });
  }

  private mapping(op: string, region: string, uuid: string): Mapping {
    const m = this.mappings.get(uuid);
    if (!m || m.region !== region) {
      throw new AdapterError(
        "not-found",
        "lambda",
        op,
        region,
        `The resource you requested does not exist. (Service: Lambda, mapping ${uuid})`,
        "ResourceNotFoundException",
      );
    }
    return m;
  }

  describe(region: string, uuid: string): EventSourceMappingState {
    const m = this.mapping("GetEventSourceMapping", region, uuid);
    return {
      uuid: m.uuid,
      state: m.state,
      functionArn: m.functionArn,
      eventSourceArn: m.sourceArn,
    };
  }

  /** UpdateEventSourceMapping `Enabled`: refused (ResourceInUseException) between states. */
  setEnabled(region: string, uuid: string, enabled: boolean): EventSourceMappingState {
    const m = this.mapping("UpdateEventSourceMapping", region, uuid);
    const settled = enabled ? "Enabled" : "Disabled";
    if (m.state === settled) return this.describe(region, uuid);
    if (m.pending) {
      throw new AdapterError(
        "invalid-state",
        "lambda",
        "UpdateEventSourceMapping",
        region,
        `The operation cannot be performed at this time. The event source mapping is currently in ${m.state.toUpperCase()} state.`,
        "ResourceInUseException",
      );
    }
    m.state = enabled ? "Enabling" : "Disabling";
    m.pending = this.kernel.after(sample(this.params.transitionSeconds, this.rng), () => {
      m.state = settled;
      m.pending = undefined;
    });
    return this.describe(region, uuid);
  }

  /** GetQueueAttributes' approximate counts, by queue URL (the queue's name is its last part). */
  depth(region: string, queueUrl: string): QueueDepth {
    const name = queueUrl.split("/").pop();
    for (const [arn, q] of this.queues) {
      const [, , , r, , n] = arn.split(":");
      if (r === region && n === name) {
        return { visible: q.visible, notVisible: q.inFlight, delayed: 0 };
      }
    }
    throw new AdapterError(
      "not-found",
      "sqs",
      "GetQueueAttributes",
      region,
      "The specified queue does not exist.",
      "QueueDoesNotExist",
    );
  }

  /** Messages a region's queues sent to their DLQ (refused by admission too often). */
  deadLettered(region: string): number {
    let n = 0;
    for (const [arn, q] of this.queues) if (arn.split(":")[3] === region) n += q.deadLettered;
    return n;
  }

  /** The settled or transitional state of each writer-only mapping, by region and name. */
  states(): Record<string, string> {
    return Object.fromEntries(
      [...this.mappings.values()].map((m) => [`${m.region}/${m.name}`, m.state]),
    );
  }
}
