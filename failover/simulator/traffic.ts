import { AlarmState, HealthCheckStatus, RoutingControlState } from "../adapters/types";
import { DrManifest } from "../../manifest";
import { Kernel } from "./kernel";
import { SimParams } from "./params";
import { Rng, sample } from "./rng";
import { World } from "./world";

/**
 * Route 53 as the failover commands see it: per cell an HTTPS health check (checkers poll
 * every interval and flip after `threshold` consecutive results), the traffic switch (writer
 * gates: CloudWatch alarms on a `WriterGate` metric, or an ARC routing control), and the
 * calculated writer check (HTTPS healthy AND switch on) behind the failover record. The
 * writer name answers the first cell in failover order whose writer check is healthy (the
 * PRIMARY if none is), and clients cache the answer for the TTL and a little more.
 */

interface Gate {
  region: string;
  alarmName: string;
  healthCheckId: string;
  alarm: "OK" | "ALARM";
  healthy: boolean;
}

interface CellTraffic {
  cell: string;
  region: string;
  role: "PRIMARY" | "SECONDARY";
  httpsCheckId: string;
  writerCheckId: string;
  interval: number;
  threshold: number;
  ttl: number;
  httpsHealthy: boolean;
  consecutive: number;
  writerHealthy: boolean;
  switchType: "cloudwatch-gate" | "arc-routing-control";
  gate?: { namespace: string; metricName: string; dimensions: Record<string, string> };
  gates: Gate[];
  routingControlArn?: string;
}

/** A change of the writer name's answer. */
export interface DnsChange {
  at: number;
  region: string;
  /** When the traffic-switch call that caused it was made (absent: a health check flipped). */
  cause?: number;
}

export class Traffic {
  readonly cells: CellTraffic[];
  /** Last value of each metric put in each region (`region|namespace|name|dims`). */
  private metrics = new Map<string, { value: number; at: number }>();
  private routingControls = new Map<string, RoutingControlState>();
  readonly dnsChanges: DnsChange[] = [];
  private answer: string;

  constructor(
    private readonly kernel: Kernel,
    private readonly world: World,
    private readonly rng: Rng,
    private readonly params: SimParams["route53"],
    manifests: DrManifest[],
  ) {
    const ordered = [...manifests].sort((a, b) => {
      const ra = a.traffic.failoverRecord.role === "PRIMARY" ? 0 : 1;
      const rb = b.traffic.failoverRecord.role === "PRIMARY" ? 0 : 1;
      return ra - rb;
    });
    this.cells = ordered.map((m) => {
      const sw = m.traffic.switch;
      const cell: CellTraffic = {
        cell: m.cell,
        region: m.region,
        role: m.traffic.failoverRecord.role,
        httpsCheckId: m.traffic.healthCheck.healthCheckId,
        writerCheckId: m.traffic.healthCheck.writerHealthCheckId,
        interval: m.traffic.healthCheck.intervalSeconds,
        threshold: m.traffic.healthCheck.failureThreshold,
        ttl: m.traffic.ttlSeconds,
        httpsHealthy: true,
        consecutive: 0,
        writerHealthy: true,
        switchType: sw.type,
        gates: [],
      };
      if (sw.type === "cloudwatch-gate") {
        cell.gate = {
          namespace: sw.namespace,
          metricName: sw.metricName,
          dimensions: sw.dimensions,
        };
        cell.gates = sw.gates.map((g) => ({ ...g, alarm: "OK", healthy: true }));
        for (const g of sw.gates) {
          this.metrics.set(metricKey(g.region, sw.namespace, sw.metricName, sw.dimensions), {
            value: 1,
            at: 0,
          });
        }
      } else {
        cell.routingControlArn = sw.routingControlArn;
        this.routingControls.set(sw.routingControlArn, "On");
      }
      return cell;
    });
    this.answer = this.cells[0].region;
    for (const c of this.cells) {
      // Checkers start at a random phase within the interval.
      kernel.every(c.interval, () => this.check(c), rng.next() * c.interval);
    }
  }

  /** The region the writer name resolves to right now (at Route 53, before caching). */
  writerAnswer(): string {
    return this.answer;
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
    this.metrics.set(metricKey(region, namespace, metricName, dimensions), {
      value,
      at: this.kernel.now,
    });
    for (const c of this.cells) {
      if (!c.gate || c.gate.namespace !== namespace || c.gate.metricName !== metricName) continue;
      if (!sameDims(c.gate.dimensions, dimensions)) continue;
      const gate = c.gates.find((g) => g.region === region);
      if (!gate) continue;
      // The alarm acts at its next evaluation; Route 53 sees the new state a little later.
      this.kernel.after(sample(this.params.alarmEvaluationSeconds, this.rng), () => {
        const latest = this.metrics.get(metricKey(region, namespace, metricName, dimensions))!;
        gate.alarm = latest.value >= 1 ? "OK" : "ALARM";
        this.kernel.after(sample(this.params.healthPropagationSeconds, this.rng), () => {
          gate.healthy = gate.alarm === "OK";
          this.recompute(c, putAt);
        });
      });
    }
  }

  metric(
    region: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
  ) {
    return this.metrics.get(metricKey(region, namespace, metricName, dimensions));
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

  healthCheckStatus(id: string): HealthCheckStatus | undefined {
    const reporting = 16;
    const status = (healthy: boolean): HealthCheckStatus => ({
      healthCheckId: id,
      healthy,
      checkersReporting: reporting,
      checkersHealthy: healthy ? reporting : 0,
    });
    for (const c of this.cells) {
      if (c.httpsCheckId === id) return status(c.httpsHealthy);
      if (c.writerCheckId === id) return status(c.writerHealthy);
      const gate = c.gates.find((g) => g.healthCheckId === id);
      if (gate) return status(gate.healthy);
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
          this.recompute(c, putAt),
        );
      }
    }
    return true;
  }

  // -------------------------------------------------------------------------------------------

  private check(c: CellTraffic): void {
    const api = this.world.apiOf(c.region);
    const ok =
      this.world.reachableFromOutside(c.region) && !this.rng.chance(api.failRate + api.hangRate);
    if (ok === c.httpsHealthy) {
      c.consecutive = 0;
      return;
    }
    c.consecutive++;
    if (c.consecutive >= c.threshold) {
      c.consecutive = 0;
      c.httpsHealthy = ok;
      this.kernel.after(sample(this.params.healthPropagationSeconds, this.rng), () =>
        this.recompute(c),
      );
    }
  }

  private recompute(c: CellTraffic, cause?: number): void {
    const switchOn =
      c.switchType === "cloudwatch-gate"
        ? c.gates.every((g) => g.healthy)
        : this.routingControls.get(c.routingControlArn!) === "On";
    c.writerHealthy = c.httpsHealthy && switchOn;
    const healthy = this.cells.find((x) => x.writerHealthy);
    const answer = (healthy ?? this.cells[0]).region;
    if (answer !== this.answer) {
      this.answer = answer;
      this.dnsChanges.push({ at: this.kernel.now, region: answer, cause });
    }
  }
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
