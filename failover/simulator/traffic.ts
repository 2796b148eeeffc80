import {
  AdapterError,
  AlarmState,
  HealthCheckStatus,
  RoutingControlState,
} from "../adapters/types";
import { DrManifest } from "../../manifest";
import { Kernel } from "./kernel";
import { InsufficientDataStatus, SimParams, UnreachableAlarm } from "./params";
import { Rng, sample } from "./rng";
import { World } from "./world";

/*
 * Route 53 and the writer gates, at the rules AWS documents:
 *  - HTTPS checks: health checkers in several locations each poll every interval and flip
 *    their own view after `failureThreshold` consecutive contrary results; Route 53 counts the
 *    check healthy while more than 18% of the checkers report healthy, and a new check starts
 *    healthy (Route 53 DG, "How Amazon Route 53 determines whether a health check is healthy").
 *  - CLOUDWATCH_METRIC checks follow their alarm: OK healthy, ALARM unhealthy,
 *    INSUFFICIENT_DATA per the check's insufficientDataHealthStatus (Route 53 API,
 *    HealthCheckConfig.InsufficientDataHealthStatus). An alarm that never received a
 *    datapoint is INSUFFICIENT_DATA; with treatMissingData "ignore" a period without data
 *    keeps the current state (CloudWatch UG, "Configuring how CloudWatch alarms treat missing
 *    data"). What Route 53 does with an alarm in a region it cannot read is not documented:
 *    `route53.unreachableAlarm` chooses.
 *  - A CALCULATED check is healthy when at least HealthThreshold children are
 *    (HealthCheckConfig.HealthThreshold); GetHealthCheckStatus refuses calculated checks
 *    (Route 53 API, GetHealthCheckStatus).
 *  - Weighted records: Route 53 answers among the records whose check is healthy, by weight;
 *    when none is healthy it answers as if all were (Route 53 DG, "How Amazon Route 53
 *    chooses records when health checking is configured").
 * The writer name is a weighted record set, one record per cell at equal weight, each behind
 * the cell's writer check: the gate quorum (CALCULATED over the cell's gate checks) or the
 * ARC routing control's check. The HTTPS check only detects; it never moves the writer.
 */

/** One writer gate of a cell: its alarm in one gate region and Route 53's check on it. */
export interface Gate {
  region: string;
  alarmName: string;
  healthCheckId: string;
  /** The alarm's state in its region (what DescribeAlarms there answers). */
  alarm: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  /** Route 53's status of the CLOUDWATCH_METRIC check on the alarm. */
  healthy: boolean;
}

/** One Route 53 health checker of an HTTPS check. */
interface Checker {
  healthy: boolean;
  consecutive: number;
}

export interface CellTraffic {
  cell: string;
  region: string;
  httpsCheckId: string;
  /** Null while the writer check waits for the peers' gates (no writer record either). */
  writerCheckId: string | null;
  interval: number;
  threshold: number;
  ttl: number;
  checkers: Checker[];
  /** Route 53's status of the HTTPS check. */
  httpsHealthy: boolean;
  /** Route 53's status of the writer check (false while the cell has no writer record). */
  writerHealthy: boolean;
  hasWriterRecord: boolean;
  switchType: "cloudwatch-gate" | "arc-routing-control";
  gate?: { namespace: string; metricName: string; dimensions: Record<string, string> };
  gates: Gate[];
  /** The writer check's HealthThreshold over `gates`. */
  quorum: number;
  routingControlArn?: string;
}

/** A change of what the writer name answers. */
export interface DnsChange {
  at: number;
  /** The cells Route 53 now chooses among (every record when none is healthy). */
  regions: string[];
  /** `regions` joined with ", " (the timeline's text). */
  region: string;
  /** The cells whose writer check is healthy (empty: Route 53 answers every record). */
  healthy: string[];
  /** When the traffic-switch call that caused it was made (absent: anything else). */
  cause?: number;
}

/** A moment two or more writer records were healthy at once. */
export interface WriterOverlap {
  at: number;
  regions: string[];
}

interface Datapoint {
  at: number;
  value: number;
}

/** The gate alarm's threshold: Minimum < 1 is ALARM (closed). */
const GATE_THRESHOLD = 1;

export class Traffic {
  readonly cells: CellTraffic[];
  /** Datapoints of each metric in each region (`region|namespace|name|dims`), oldest first. */
  private metrics = new Map<string, Datapoint[]>();
  private routingControls = new Map<string, RoutingControlState>();
  readonly dnsChanges: DnsChange[] = [];
  /** Every time two writer records were healthy at once (the property: never). */
  readonly overlaps: WriterOverlap[] = [];
  private answers: string[];
  private answerKey: string;
  private overlapKey = "";

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly params: SimParams["route53"],
    manifests: DrManifest[],
    /** The cell whose gates the commands opened at deployment (the others never were). */
    initialWriter: string = manifests[0].homeRegion,
  ) {
    this.cells = manifests.map((m) => {
      const sw = m.traffic.switch;
      const hc = m.traffic.healthCheck;
      const cell: CellTraffic = {
        cell: m.cell,
        region: m.region,
        httpsCheckId: hc.healthCheckId,
        writerCheckId: hc.writerHealthCheckId,
        interval: hc.intervalSeconds,
        threshold: hc.failureThreshold,
        ttl: m.traffic.ttlSeconds,
        checkers: Array.from({ length: params.healthCheckers }, () => ({
          healthy: true,
          consecutive: 0,
        })),
        httpsHealthy: true,
        writerHealthy: false,
        hasWriterRecord: m.traffic.writerRecord !== null && hc.writerHealthCheckId !== null,
        switchType: sw.type,
        gates: [],
        quorum: 1,
      };
      if (sw.type === "cloudwatch-gate") {
        cell.gate = {
          namespace: sw.namespace,
          metricName: sw.metricName,
          dimensions: sw.dimensions,
        };
        cell.quorum = sw.quorum;
        const open = m.region === initialWriter;
        cell.gates = sw.gates.map((g) => ({
          region: g.region,
          alarmName: g.alarmName,
          healthCheckId: g.healthCheckId,
          alarm: open ? "OK" : "INSUFFICIENT_DATA",
          healthy: open || this.params.gateInsufficientData === "healthy",
        }));
        if (open) {
          // Opened long before the run: the datapoint is out of every alarm window.
          for (const g of sw.gates) {
            const key = metricKey(g.region, sw.namespace, sw.metricName, sw.dimensions);
            this.metrics.set(key, [{ at: -10 * params.alarmPeriodSeconds, value: 1 }]);
          }
        }
      } else {
        cell.routingControlArn = sw.routingControlArn;
        this.routingControls.set(sw.routingControlArn, m.region === initialWriter ? "On" : "Off");
      }
      cell.writerHealthy = this.writerCheck(cell);
      return cell;
    });
    this.answers = this.currentAnswers().regions;
    this.answerKey = this.answers.join(",");
    for (const c of this.cells) {
      // Each checker polls on its own phase within the interval.
      c.checkers.forEach((_, i) =>
        kernel.every(c.interval, () => this.probe(c, i), rng.next() * c.interval),
      );
    }
    world.onChange(() => {
      for (const c of this.cells) for (const g of c.gates) this.observe(g);
      // A region back up evaluates its alarms again.
      for (const c of this.cells) {
        for (const g of c.gates) if (world.isUp(g.region)) this.scheduleEvaluation(c, g, 0);
      }
    });
  }

  /**
   * What the writer name answers right now, at Route 53 before caching: the cells whose
   * writer record is healthy, joined with ","; every record when none is.
   */
  writerAnswer(): string {
    return this.answers.join(",");
  }

  /** The cells Route 53 chooses among for the writer name right now. */
  writerAnswers(): string[] {
    return [...this.answers];
  }

  /** The cells whose writer check is healthy right now. */
  healthyWriters(): string[] {
    return this.cells.filter((c) => c.hasWriterRecord && c.writerHealthy).map((c) => c.region);
  }

  /** One DNS query for the writer name: a record drawn by weight (all equal) among the answers. */
  resolveWriter(): string {
    return this.answers.length === 1 ? this.answers[0] : this.rng.pick(this.answers);
  }

  ttlSeconds(): number {
    return this.cells[0].ttl;
  }

  clientExtraCache(): number {
    return sample(this.params.clientExtraCacheSeconds, this.rng);
  }

  cellOfRegion(region: string): CellTraffic | undefined {
    return this.cells.find((c) => c.region === region);
  }

  // --- CloudWatch ----------------------------------------------------------------------------

  putMetric(
    region: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    value: number,
  ): void {
    const putAt = this.kernel.now;
    const key = metricKey(region, namespace, metricName, dimensions);
    const points = this.metrics.get(key) ?? [];
    points.push({ at: putAt, value });
    this.metrics.set(key, points);
    for (const c of this.cells) {
      if (!c.gate || c.gate.namespace !== namespace || c.gate.metricName !== metricName) continue;
      if (!sameDims(c.gate.dimensions, dimensions)) continue;
      const gate = c.gates.find((g) => g.region === region);
      if (gate)
        this.scheduleEvaluation(
          c,
          gate,
          sample(this.params.alarmEvaluationSeconds, this.rng),
          putAt,
        );
    }
  }

  /** The newest datapoint of a metric in a region. */
  metric(
    region: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
  ): { value: number; at: number } | undefined {
    const points = this.metrics.get(metricKey(region, namespace, metricName, dimensions));
    return points?.[points.length - 1];
  }

  alarmStates(region: string, alarmNames: string[]): Record<string, AlarmState> {
    const out: Record<string, AlarmState> = {};
    for (const name of alarmNames) {
      const gate = this.cells
        .flatMap((c) => c.gates)
        .find((g) => g.alarmName === name && g.region === region);
      out[name] = gate ? gate.alarm : "MISSING";
    }
    return out;
  }

  // --- Route 53 ------------------------------------------------------------------------------

  /** GetHealthCheckStatus; undefined for an id Route 53 does not have. */
  healthCheckStatus(id: string): HealthCheckStatus | undefined {
    const n = this.params.healthCheckers;
    const all = (healthy: boolean): HealthCheckStatus => ({
      healthCheckId: id,
      healthy,
      checkersReporting: n,
      checkersHealthy: healthy ? n : 0,
    });
    for (const c of this.cells) {
      if (c.httpsCheckId === id) {
        return {
          healthCheckId: id,
          healthy: c.httpsHealthy,
          checkersReporting: n,
          checkersHealthy: c.checkers.filter((x) => x.healthy).length,
        };
      }
      const gate = c.gates.find((g) => g.healthCheckId === id);
      if (gate) return all(gate.healthy);
      if (c.writerCheckId === id) {
        if (c.switchType === "cloudwatch-gate") {
          throw new AdapterError(
            "validation",
            "route53",
            "GetHealthCheckStatus",
            undefined,
            `health check ${id} is a calculated health check; GetHealthCheckStatus cannot read its status (read its child checks)`,
            "InvalidInput",
          );
        }
        return all(c.writerHealthy);
      }
    }
    return undefined;
  }

  // --- ARC -----------------------------------------------------------------------------------

  routingControl(arn: string): RoutingControlState | undefined {
    return this.routingControls.get(arn);
  }

  setRoutingControl(arn: string, state: RoutingControlState): boolean {
    if (!this.routingControls.has(arn)) return false;
    const putAt = this.kernel.now;
    this.routingControls.set(arn, state);
    for (const c of this.cells) {
      if (c.routingControlArn === arn) {
        this.kernel.after(sample(this.params.healthPropagationSeconds, this.rng), () =>
          this.recompute(putAt),
        );
      }
    }
    return true;
  }

  // -------------------------------------------------------------------------------------------

  /** One health checker's request to the cell's endpoint. */
  private probe(c: CellTraffic, i: number): void {
    const checker = c.checkers[i];
    const api = this.world.apiOf(c.region);
    const ok =
      this.world.reachableFromOutside(c.region) && !this.rng.chance(api.failRate + api.hangRate);
    if (ok === checker.healthy) {
      checker.consecutive = 0;
      return;
    }
    if (++checker.consecutive < c.threshold) return;
    checker.consecutive = 0;
    checker.healthy = ok;
    const healthy = this.httpsAggregate(c);
    if (healthy === c.httpsHealthy) return;
    this.kernel.after(sample(this.params.healthPropagationSeconds, this.rng), () => {
      const now = this.httpsAggregate(c);
      if (now === c.httpsHealthy) return;
      c.httpsHealthy = now;
      this.recompute();
    });
  }

  private httpsAggregate(c: CellTraffic): boolean {
    const healthy = c.checkers.filter((x) => x.healthy).length;
    return healthy / c.checkers.length > this.params.healthyCheckerFraction;
  }

  /** The alarm evaluates `delay` from now (a region that is down evaluates nothing). */
  private scheduleEvaluation(c: CellTraffic, g: Gate, delay: number, cause?: number): void {
    this.kernel.after(delay, () => this.evaluate(c, g, cause));
  }

  /** The gate alarm: Minimum over the last period < 1 is ALARM; no datapoint keeps the state. */
  private evaluate(c: CellTraffic, g: Gate, cause?: number): void {
    if (!this.world.isUp(g.region) || !c.gate) return;
    const now = this.kernel.now;
    const period = this.params.alarmPeriodSeconds;
    const key = metricKey(g.region, c.gate.namespace, c.gate.metricName, c.gate.dimensions);
    const all = this.metrics.get(key) ?? [];
    const window = all.filter((p) => p.at > now - period && p.at <= now);
    if (window.length === 0) return;
    const min = Math.min(...window.map((p) => p.value));
    const state = min < GATE_THRESHOLD ? "ALARM" : "OK";
    // The alarm evaluates every period: once the datapoints that decided now age out, the
    // newer ones decide (an open put within a period of a close takes effect then).
    const latest = window[window.length - 1].value < GATE_THRESHOLD ? "ALARM" : "OK";
    if (latest !== state) {
      const ageOut = window.find((p) => (p.value < GATE_THRESHOLD ? "ALARM" : "OK") === state)!;
      this.kernel.at(ageOut.at + period + 1e-6, () => this.evaluate(c, g, cause));
    }
    if (state === g.alarm) return;
    g.alarm = state;
    this.observe(g, cause);
  }

  /** Route 53 reads the gate's alarm and acts on it a propagation delay later. */
  private observe(g: Gate, cause?: number): void {
    this.kernel.after(sample(this.params.healthPropagationSeconds, this.rng), () => {
      const healthy = this.gateStatus(g);
      if (healthy === g.healthy) return;
      g.healthy = healthy;
      this.recompute(cause);
    });
  }

  private gateStatus(g: Gate): boolean {
    if (!this.world.reachableFromOutside(g.region))
      return resolveStatus(this.params.unreachableAlarm, g.healthy);
    if (g.alarm === "OK") return true;
    if (g.alarm === "ALARM") return false;
    return resolveStatus(this.params.gateInsufficientData, g.healthy);
  }

  private writerCheck(c: CellTraffic): boolean {
    if (!c.hasWriterRecord) return false;
    const legacy = this.params.writerCheck === "https-and-all-gates";
    if (c.switchType === "arc-routing-control") {
      const on = this.routingControls.get(c.routingControlArn!) === "On";
      return legacy ? c.httpsHealthy && on : on;
    }
    if (legacy) return c.httpsHealthy && c.gates.every((g) => g.healthy);
    return c.gates.filter((g) => g.healthy).length >= c.quorum;
  }

  private currentAnswers(): { regions: string[]; healthy: string[] } {
    const withRecord = this.cells.filter((c) => c.hasWriterRecord).map((c) => c.region);
    const healthy = this.healthyWriters();
    return { regions: healthy.length > 0 ? healthy : withRecord, healthy };
  }

  private recompute(cause?: number): void {
    for (const c of this.cells) c.writerHealthy = this.writerCheck(c);
    const { regions, healthy } = this.currentAnswers();
    const overlapKey = healthy.length > 1 ? healthy.join(",") : "";
    if (overlapKey && overlapKey !== this.overlapKey)
      this.overlaps.push({ at: this.kernel.now, regions: healthy });
    this.overlapKey = overlapKey;
    const key = regions.join(",");
    if (key === this.answerKey) return;
    this.answers = regions;
    this.answerKey = key;
    this.dnsChanges.push({
      at: this.kernel.now,
      regions,
      region: regions.join(", "),
      healthy,
      cause,
    });
  }
}

function resolveStatus(
  rule: UnreachableAlarm | InsufficientDataStatus,
  lastKnown: boolean,
): boolean {
  return rule === "last-known" ? lastKnown : rule === "healthy";
}

function metricKey(
  region: string,
  namespace: string,
  name: string,
  dims: Record<string, string>,
): string {
  const d = Object.keys(dims)
    .sort()
    .map((k) => `${k}=${dims[k]}`)
    .join(",");
  return `${region}|${namespace}|${name}|${d}`;
}

function sameDims(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
