import * as assert from "assert";
import { DrManifest } from "../../manifest";
import { SAMPLE_REGIONS, sampleManifest, SampleRegion } from "../../manifest/sample";
import { UnreachableAlarm } from "../simulator/params";
import { FaultSpec } from "./faults";
import { DrillResult, runDrill, ScenarioName } from "./harness";

/*
 * The writer routing end to end: the real commands (runbooks) against the simulator's Route 53,
 * for two cells and a witness and for three cells, under every single-region outage and
 * isolation (the witness's included) that leaves a failover or switchover possible, under
 * every value of the undocumented `unreachableAlarm`, to each target. A lost writer region is
 * the region-outage or partition scenario (a failover); any other lost region is in place
 * before a switchover. Whatever the case: the run converges with the writer name answering
 * exactly the target, one region accepting writes and never two writer records healthy.
 * (failover/simulator/route53.test.ts drives Route 53 directly and shows the old design failing.)
 */

const WARMUP = 60;
const UNREACHABLE: UnreachableAlarm[] = ["healthy", "unhealthy", "last-known"];

function cells(n: 2 | 3): DrManifest[] {
  const regions = SAMPLE_REGIONS.slice(0, n) as SampleRegion[];
  return regions.map((r) => sampleManifest(r, regions));
}

interface RoutingCase {
  n: 2 | 3;
  kind: "outage" | "isolation";
  region: string;
  to: string;
  unreachableAlarm: UnreachableAlarm;
}

function routingCases(n: 2 | 3): RoutingCase[] {
  const manifests = cells(n);
  const writer = manifests[0].region;
  const sw = manifests[0].traffic.switch;
  if (sw.type !== "cloudwatch-gate") throw new Error("sample cells use CloudWatch gates");
  const out: RoutingCase[] = [];
  for (const region of sw.gateRegions) {
    for (const kind of ["outage", "isolation"] as const) {
      for (const to of manifests.map((m) => m.region).filter((r) => r !== writer)) {
        // The target must be reachable for the commands to promote it.
        if (region === to) continue;
        for (const unreachableAlarm of UNREACHABLE)
          out.push({ n, kind, region, to, unreachableAlarm });
      }
    }
  }
  return out;
}

async function drill(c: RoutingCase, seed: number): Promise<DrillResult> {
  const manifests = cells(c.n);
  const writerLost = c.region === manifests[0].region;
  const scenario: ScenarioName = writerLost
    ? c.kind === "outage"
      ? "region-outage"
      : "partition"
    : "switchover";
  const faults: FaultSpec[] = writerLost
    ? []
    : [
        c.kind === "outage"
          ? { type: "region-outage", region: c.region, at: WARMUP - 30 }
          : { type: "isolation", region: c.region, at: WARMUP - 30 },
      ];
  return runDrill({
    manifests,
    scenario,
    seed,
    to: c.to,
    faults,
    warmupSeconds: WARMUP,
    params: {
      route53: { unreachableAlarm: c.unreachableAlarm },
      workload: { writeIntervalSeconds: 2, clientsPerRegion: 1 },
    },
  });
}

function problem(r: DrillResult): string | undefined {
  if (r.run.status !== "succeeded")
    return `the run ${r.run.status}: ${JSON.stringify(r.run.failures.slice(-2))}`;
  if (!r.invariants.oneWriterRecord)
    return `two writer records healthy at once: ${JSON.stringify(r.writerRecordOverlaps)}`;
  if (!r.invariants.singleWriter) return `two regions accepted writes at once`;
  if (!r.invariants.converged) {
    const dns = r.timeline.filter((e) => e.kind === "dns").map((e) => e.text);
    return `did not converge on ${r.to}: ${dns.slice(-2).join("; ") || "no DNS change"}`;
  }
  return undefined;
}

describe("writer routing under every single-region loss and partition (real commands, drills)", function () {
  this.timeout(300_000);

  for (const n of [2, 3] as const) {
    it(`${n} cells${n === 2 ? " and a witness" : ""}: every run ends with the writer name answering exactly the target`, async () => {
      const cases = routingCases(n);
      const failures: string[] = [];
      for (const [i, c] of cases.entries()) {
        const r = await drill(c, 100 + i);
        const p = problem(r);
        if (p)
          failures.push(
            `${c.region} ${c.kind} -> ${c.to}, unreachableAlarm ${c.unreachableAlarm}, seed ${100 + i}: ${p}`,
          );
      }
      assert.deepStrictEqual(failures, []);
      // 2 cells: the writer's and the witness's outage and isolation; 3 cells: the writer's
      // to each of 2 targets and the other cell's; each times 3 parameter values.
      assert.strictEqual(cases.length, n === 2 ? 12 : 24);
    });
  }
});
