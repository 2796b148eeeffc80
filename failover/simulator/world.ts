import { Kernel } from "./kernel";
import { Rng } from "./rng";

/**
 * Regions and the network between them, with the faults the drills inject. Every model asks
 * the world whether a region is up, whether two regions can talk, and whether a call from
 * outside (the operator, Route 53's checkers, remote clients) reaches a region.
 */

/** A degraded region's API and application: a fraction of calls fail or hang. */
export interface ApiDegradation {
  /** Fraction of calls that fail fast with a 5xx (InternalFailure). */
  failRate: number;
  /** Fraction of calls that hang until the client's timeout. */
  hangRate: number;
  /** Fraction of calls throttled (ThrottlingException). */
  throttleRate: number;
  /** Multiplier on latency and on the duration of long operations (slow operations). */
  slowFactor: number;
}

export const HEALTHY_API: ApiDegradation = {
  failRate: 0,
  hangRate: 0,
  throttleRate: 0,
  slowFactor: 1,
};

interface RegionState {
  down: boolean;
  /** Cut off from the Internet (checkers, operator, remote clients) but still running. */
  isolated: boolean;
  api: ApiDegradation;
}

export class World {
  /** Every region the deployment uses: the cells' and the witness regions of their gates. */
  readonly regions: string[];
  /** The regions that run a cell (stores, application, canaries); the others only hold gates. */
  readonly cells: string[];
  private readonly index = new Map<string, number>();
  private readonly state: RegionState[];
  /** cut[i][j]: replication and calls between regions i and j are severed. */
  private readonly cut: boolean[][];
  /** lastLinked[i][j]: when regions i and j were last able to talk (now, while they can). */
  private readonly lastLinkedAt: number[][];
  private listeners: Array<() => void> = [];

  constructor(
    readonly kernel: Kernel,
    readonly rng: Rng,
    regions: string[],
    /** Defaults to every region. */
    cells: string[] = regions,
  ) {
    const extra = cells.filter((c) => !regions.includes(c));
    if (extra.length > 0) throw new Error(`cell regions ${extra.join(", ")} are not world regions`);
    this.regions = [...regions];
    this.cells = [...cells];
    regions.forEach((r, i) => this.index.set(r, i));
    this.state = regions.map(() => ({ down: false, isolated: false, api: { ...HEALTHY_API } }));
    this.cut = regions.map(() => regions.map(() => false));
    this.lastLinkedAt = regions.map(() => regions.map(() => 0));
  }

  /** Called whenever connectivity changes (replication streams resume on it). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  has(region: string): boolean {
    return this.index.has(region);
  }

  isUp(region: string): boolean {
    return !this.region(region).down;
  }

  isIsolated(region: string): boolean {
    return this.region(region).isolated;
  }

  /** Reachable from outside AWS's backbone: operator, Route 53 checkers, remote clients. */
  reachableFromOutside(region: string): boolean {
    const s = this.region(region);
    return !s.down && !s.isolated;
  }

  /** Replication and cross-region calls between two regions. */
  linked(a: string, b: string): boolean {
    return this.linkedAt(this.at(a), this.at(b));
  }

  /** A client in `from` reaching an endpoint in `to`. */
  clientReaches(from: string, to: string): boolean {
    if (from === to) return this.isUp(to);
    return this.linked(from, to) && !this.isIsolated(from) && !this.isIsolated(to);
  }

  apiOf(region: string): ApiDegradation {
    return this.region(region).api;
  }

  /** When `a` and `b` could last talk: now while they can, else the moment they lost it. */
  lastLinked(a: string, b: string): number {
    const i = this.at(a);
    const j = this.at(b);
    return this.linkedAt(i, j) ? this.kernel.now : this.lastLinkedAt[i][j];
  }

  // --- faults -----------------------------------------------------------------------------

  setDown(region: string, down: boolean): void {
    this.mutate(() => (this.region(region).down = down));
  }

  setIsolated(region: string, isolated: boolean): void {
    this.mutate(() => (this.region(region).isolated = isolated));
  }

  setCut(a: string, b: string, cut: boolean): void {
    const i = this.at(a);
    const j = this.at(b);
    this.mutate(() => {
      this.cut[i][j] = cut;
      this.cut[j][i] = cut;
    });
  }

  setApi(region: string, api: ApiDegradation): void {
    this.region(region).api = { ...api };
  }

  private mutate(change: () => void): void {
    const n = this.regions.length;
    // Links up until this instant were up until now.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++)
        if (this.linkedAt(i, j)) this.lastLinkedAt[i][j] = this.kernel.now;
    }
    change();
    for (const l of this.listeners) l();
  }

  private linkedAt(i: number, j: number): boolean {
    if (this.state[i].down || this.state[j].down) return false;
    if (i === j) return true;
    return !this.cut[i][j] && !this.state[i].isolated && !this.state[j].isolated;
  }

  private at(region: string): number {
    const i = this.index.get(region);
    if (i === undefined) throw new Error(`the simulator has no region ${region}`);
    return i;
  }

  private region(region: string): RegionState {
    return this.state[this.at(region)];
  }
}
