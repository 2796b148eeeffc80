/**
 * The emulator's record of every AWS request it received: when (ms since start), for which
 * region, service and operation (from the SigV4 scope and the decoded request), and how it
 * ended: an HTTP status (and error code), or a fault that kept the service from answering.
 */
export interface RequestRecord {
  seq: number;
  /** Milliseconds since the emulator started. */
  at: number;
  region: string;
  service: string;
  operation: string;
  /** The HTTP status sent; absent when no reply was (black-hole, reset, refused). */
  status?: number;
  /** The error code of an error reply. */
  error?: string;
  /** The injected fault that decided the outcome, if any. */
  fault?: "black-hole" | "reset" | "refused" | "slow" | "error";
  /** Why, when the fault is the simulator's (e.g. "outage", "isolation"). */
  detail?: string;
  /** Where the request came in: the shared port, or a region's own listener. */
  via: string;
}

/** Oldest records go first once this many are kept. */
const LIMIT = 100_000;

export class RequestLog {
  private records: RequestRecord[] = [];
  private seq = 0;

  add(r: Omit<RequestRecord, "seq">): RequestRecord {
    const record = { seq: ++this.seq, ...r };
    this.records.push(record);
    if (this.records.length > LIMIT) this.records.splice(0, this.records.length - LIMIT);
    return record;
  }

  /** Records after `since` (a seq), oldest first. */
  list(since = 0): RequestRecord[] {
    return this.records.filter((r) => r.seq > since);
  }

  clear(): number {
    const n = this.records.length;
    this.records = [];
    return n;
  }
}
