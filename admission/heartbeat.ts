import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { bounded } from "./bounded";
import { CONTROL_KEY, heartbeatPk } from "./items";

/**
 * `Heartbeat`: writes `heartbeat#<region>` = {region, at (epoch ms)} into the DR control table
 * in its own region every `intervalMs`. The global table replicates it; each peer's
 * `WriteAdmission` reads it from its own replica, and a heartbeat older than the lease there
 * means "not heard": replication from this region to that peer (the path a fence written
 * here would take) is not working.
 *
 * Run at least one per region, independently of the application's request load: a peer that
 * stops hearing from this region stops writing (by design). Several in one region are
 * harmless: the write is conditional, so an older `at` never replaces a newer one.
 */

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

export interface HeartbeatOptions {
  /** The region this heartbeat speaks for; the client must be for this region. */
  region: string;
  tableName: string;
  dynamodb: DynamoDBClient;
  /** Default 1000. Keep it plus the table's replication lag well under the lease. */
  intervalMs?: number;
  /** Bound on each PutItem, ms. Default: the interval. */
  timeoutMs?: number;
  now?: () => number;
  /** Told about a beat that failed (the next one is tried on schedule). */
  onError?: (error: unknown) => void;
}

export class Heartbeat {
  readonly region: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Beats written (or found already superseded by a newer one). */
  beats = 0;
  /** Beats that failed or timed out. */
  failures = 0;
  private readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly now: () => number;
  private readonly onError?: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private current: Promise<boolean> | undefined;

  constructor(options: HeartbeatOptions) {
    const intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    if (!options.region) throw new RangeError("Heartbeat: region is required");
    if (!options.tableName) throw new RangeError("Heartbeat: tableName is required");
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
      throw new RangeError(`Heartbeat: intervalMs must be positive, got ${intervalMs}`);
    }
    const timeoutMs = options.timeoutMs ?? intervalMs;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`Heartbeat: timeoutMs must be positive, got ${timeoutMs}`);
    }
    this.region = options.region;
    this.tableName = options.tableName;
    this.client = options.dynamodb;
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    this.now = options.now ?? Date.now;
    this.onError = options.onError;
  }

  /** Beats now and then every `intervalMs` until `stop()`. The timer never keeps Node alive. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.tick();
    return this;
  }

  /** Stops beating; resolves once a beat in flight has settled. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  /** One beat. Resolves true when written (or a newer one is already stored), false on error. */
  async beat(): Promise<boolean> {
    const at = this.now();
    try {
      await bounded(
        `heartbeat PutItem ${this.tableName}/${heartbeatPk(this.region)} in ${this.region}`,
        this.timeoutMs,
        (abortSignal) =>
          this.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: {
                [CONTROL_KEY]: { S: heartbeatPk(this.region) },
                region: { S: this.region },
                at: { N: String(at) },
              },
              ConditionExpression: "attribute_not_exists(#pk) OR #at < :at",
              ExpressionAttributeNames: { "#pk": CONTROL_KEY, "#at": "at" },
              ExpressionAttributeValues: { ":at": { N: String(at) } },
            }),
            { abortSignal },
          ),
      );
      this.beats++;
      return true;
    } catch (e) {
      if ((e as Error)?.name === "ConditionalCheckFailedException") {
        this.beats++;
        return true;
      }
      this.failures++;
      this.onError?.(e);
      return false;
    }
  }

  private tick(): void {
    if (!this.running) return;
    const started = this.now();
    this.current = this.beat();
    void this.current.then(() => {
      if (!this.running) return;
      const wait = Math.max(0, this.intervalMs - (this.now() - started));
      this.timer = setTimeout(() => this.tick(), wait);
      this.timer.unref();
    });
  }
}
