import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { bounded } from "./bounded";
import { AdmissionDecision, decideAdmission } from "./decision";
import {
  CONTROL_KEY,
  fencePk,
  heartbeatPk,
  Item,
  parseFence,
  parseHeartbeat,
  parseWriter,
  WRITER_PK,
} from "./items";

/**
 * `WriteAdmission`: the contract for a service instance, read from its own region's replica of
 * the DR control table with strongly consistent GetItems, decided by `decideAdmission`, cached
 * briefly, and failing closed.
 */

export const DEFAULT_LEASE_SECONDS = 3;
export const DEFAULT_CACHE_MS = 1000;
/** A cached decision older than this could miss a fence for too long: refused as a setting. */
export const MAX_CACHE_MS = 2000;
export const DEFAULT_TIMEOUT_MS = 1000;

export interface WriteAdmissionOptions {
  /** The region this instance runs in (its control-table replica and its database). */
  region: string;
  /** The region that writes when the control table has no writer item. */
  homeRegion: string;
  /** Every other region of the application: each must run a `Heartbeat`. */
  peers: readonly string[];
  /** The DR control table (`stores.controlTable.tableName` in the DR manifest). */
  tableName: string;
  /** A client for `region`: the strongly consistent reads must hit the local replica. */
  dynamodb: DynamoDBClient;
  /**
   * Whether the database this instance is connected to accepts writes (for Aurora PostgreSQL:
   * `SELECT NOT pg_is_in_recovery()`; MySQL: `SELECT @@innodb_read_only = 0`). Given a signal
   * that aborts at `timeoutMs`; a rejection, a timeout or `false` refuses writes. Return
   * `true` for an application without such a database.
   */
  databaseWritable: (signal: AbortSignal) => Promise<boolean>;
  /** The writer lease, seconds. Default 3. */
  leaseSeconds?: number;
  /** How long a decision is reused, ms. Default 1000, at most 2000. */
  cacheMs?: number;
  /** Bound on each read (every GetItem and `databaseWritable`), ms. Default 1000. */
  timeoutMs?: number;
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** What `check()` returns: the decision and when it was taken. */
export interface CheckedDecision extends AdmissionDecision {
  /** When the reads behind this decision started, epoch ms. */
  checkedAtMs: number;
  /** Until when `check()` returns this decision without reading again, epoch ms. */
  cachedUntilMs: number;
}

/** Thrown by `admitOrThrow()`: the write must not be accepted. */
export class WriteNotAdmittedError extends Error {
  /** Seconds a client should wait before retrying (for an HTTP Retry-After). */
  readonly retryAfterSeconds: number;

  constructor(readonly decision: CheckedDecision) {
    super(`write refused: ${decision.reason}`);
    this.name = "WriteNotAdmittedError";
    this.retryAfterSeconds = Math.max(
      1,
      Math.ceil((decision.cachedUntilMs - decision.checkedAtMs) / 1000),
    );
  }
}

export class WriteAdmission {
  readonly region: string;
  readonly homeRegion: string;
  readonly peers: readonly string[];
  readonly tableName: string;
  readonly leaseSeconds: number;
  readonly cacheMs: number;
  readonly timeoutMs: number;
  private readonly client: DynamoDBClient;
  private readonly databaseWritable: (signal: AbortSignal) => Promise<boolean>;
  private readonly now: () => number;
  private cached: CheckedDecision | undefined;
  private inFlight: Promise<CheckedDecision> | undefined;
  private clientRegionChecked = false;

  constructor(options: WriteAdmissionOptions) {
    const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!options.region) throw new RangeError("WriteAdmission: region is required");
    if (!options.homeRegion) throw new RangeError("WriteAdmission: homeRegion is required");
    if (!options.tableName) throw new RangeError("WriteAdmission: tableName is required");
    if (options.peers.includes(options.region)) {
      throw new RangeError(
        `WriteAdmission: peers must list the other regions only, not ${options.region} itself`,
      );
    }
    if (!(Number.isFinite(leaseSeconds) && leaseSeconds > 0)) {
      throw new RangeError(
        `WriteAdmission: leaseSeconds must be a positive number of seconds, got ${leaseSeconds}`,
      );
    }
    if (!(Number.isFinite(cacheMs) && cacheMs >= 0 && cacheMs <= MAX_CACHE_MS)) {
      throw new RangeError(
        `WriteAdmission: cacheMs must be between 0 and ${MAX_CACHE_MS} ms, got ${cacheMs}: a ` +
          `decision cached longer could keep accepting writes after this region was fenced`,
      );
    }
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`WriteAdmission: timeoutMs must be positive, got ${timeoutMs}`);
    }
    this.region = options.region;
    this.homeRegion = options.homeRegion;
    this.peers = [...options.peers];
    this.tableName = options.tableName;
    this.leaseSeconds = leaseSeconds;
    this.cacheMs = cacheMs;
    this.timeoutMs = timeoutMs;
    this.client = options.dynamodb;
    this.databaseWritable = options.databaseWritable;
    this.now = options.now ?? Date.now;
  }

  /**
   * Whether this instance may accept a write now. Never rejects: any error or timeout is a
   * refusal (`condition: "unavailable"`). Concurrent callers share one set of reads; the
   * result is reused for at most `cacheMs`, and an admission never past its lease.
   */
  check(): Promise<CheckedDecision> {
    const cached = this.cached;
    if (cached && this.now() < cached.cachedUntilMs) return Promise.resolve(cached);
    if (!this.inFlight) {
      this.inFlight = this.evaluate().then((d) => {
        this.cached = d;
        this.inFlight = undefined;
        return d;
      });
    }
    return this.inFlight;
  }

  /** Resolves when a write is admitted; throws `WriteNotAdmittedError` otherwise. */
  async admitOrThrow(): Promise<CheckedDecision> {
    const d = await this.check();
    if (!d.admit) throw new WriteNotAdmittedError(d);
    return d;
  }

  /** Forgets the cached decision: the next `check()` reads again. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async evaluate(): Promise<CheckedDecision> {
    const startedAt = this.now();
    let decision: AdmissionDecision;
    try {
      await this.checkClientRegion();
      const [writer, fence, databaseWritable, ...heartbeats] = await Promise.all([
        this.getItem(WRITER_PK),
        this.getItem(fencePk(this.region)),
        bounded(`the database writability check in ${this.region}`, this.timeoutMs, (signal) =>
          this.databaseWritable(signal),
        ),
        ...this.peers.map((peer) => this.getItem(heartbeatPk(peer))),
      ]);
      decision = decideAdmission({
        region: this.region,
        homeRegion: this.homeRegion,
        writer: parseWriter(writer as Item | undefined),
        fence: parseFence(fence as Item | undefined),
        databaseWritable: databaseWritable === true,
        peers: this.peers.map((region, i) => ({
          region,
          lastHeardMs: parseHeartbeat(heartbeats[i]),
        })),
        // After the reads: the lease is judged at the latest moment they describe.
        nowMs: this.now(),
        leaseSeconds: this.leaseSeconds,
      });
    } catch (e) {
      const err = e as Error;
      decision = {
        admit: false,
        condition: "unavailable",
        reason:
          `fail closed: could not establish write admission in ${this.region} ` +
          `(${err?.name ?? "Error"}: ${err?.message ?? String(e)}); writes are refused until ` +
          `the control table ${this.tableName} and the database answer`,
      };
    }
    let cachedUntilMs = startedAt + this.cacheMs;
    if (decision.admit && decision.validUntilMs !== undefined) {
      cachedUntilMs = Math.min(cachedUntilMs, decision.validUntilMs);
    }
    return { ...decision, checkedAtMs: startedAt, cachedUntilMs };
  }

  private async getItem(pk: string): Promise<Item | undefined> {
    const out = await bounded(
      `DynamoDB GetItem ${this.tableName}/${pk} in ${this.region}`,
      this.timeoutMs,
      (abortSignal) =>
        this.client.send(
          new GetItemCommand({
            TableName: this.tableName,
            Key: { [CONTROL_KEY]: { S: pk } },
            // Strongly consistent in this region's replica: a fence written here is seen.
            ConsistentRead: true,
          }),
          { abortSignal },
        ),
    );
    return out.Item;
  }

  /** Reading another region's replica would break the contract: refuse that client. */
  private async checkClientRegion(): Promise<void> {
    if (this.clientRegionChecked) return;
    const configured = this.client.config.region;
    const region = typeof configured === "function" ? await configured() : configured;
    if (region !== this.region) {
      throw new Error(
        `the DynamoDB client is configured for ${String(region)}, not ${this.region}: ` +
          `admission must read this region's own replica`,
      );
    }
    this.clientRegionChecked = true;
  }
}
