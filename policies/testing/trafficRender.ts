import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../../config/regions";
import { CellTraffic, PeerGate } from "../../components/traffic";
import type { DrManifest } from "../../manifest";
import { renderProgram, RenderedResource } from "../../plan/render";

/*
 * The Route 53 and CloudWatch part of the policy fixtures, rendered from the real CellTraffic
 * component (plan/render.ts, the offline plan's mocks) rather than written by hand: a
 * hand-built copy drifted once already (failover records after the writer moved to weighted
 * records). The render is async and the fixtures are synchronous, so it is stored in
 * traffic.snapshot.json; traffic.test.ts fails when the snapshot differs from a fresh render.
 * Regenerate it with `npx tsx policies/testing/trafficRender.ts --write`.
 */

export const SNAPSHOT_FILE = path.join(__dirname, "traffic.snapshot.json");

/** A deployment the fixtures cover: its cells' regions (home first) and witness regions. */
export interface TrafficDeployment {
  regions: string[];
  witnessRegions: string[];
}

export const DEPLOYMENTS: Record<string, TrafficDeployment> = {
  // The shipped shape: two cells and one witness region, three gate regions.
  two: { regions: ["us-east-1", "eu-west-1"], witnessRegions: ["us-west-2"] },
  // The case: a third cell, three gate regions without a witness.
  three: { regions: ["us-east-1", "eu-west-1", "ap-southeast-1"], witnessRegions: [] },
};

export interface TrafficCell {
  resources: RenderedResource[];
  /** The manifest's `traffic` section the component published. */
  manifestTraffic: DrManifest["traffic"];
}

export interface TrafficSnapshot {
  /** Per deployment, per region: the cell once every peer has deployed. */
  steady: Record<string, Record<string, TrafficCell>>;
  /** Per deployment: the home cell's first deploy, before any peer exists (writer deferred). */
  firstDeploy: Record<string, TrafficCell>;
}

const APP = "shop";
const ZONE = "shop.example.com";
const stackOf = (region: string) => `prod-${regionCode(region)}`;

/** The gates the peers' published traffic sections host for `region`. */
function peerGatesFor(region: string, peers: Map<string, DrManifest["traffic"]>): PeerGate[] {
  const gates: PeerGate[] = [];
  for (const [peerRegion, traffic] of peers) {
    for (const g of traffic.hostedGates) {
      if (g.forRegion !== region) continue;
      gates.push({
        region: g.region,
        alarmName: g.alarmName,
        healthCheckId: g.healthCheckId,
        hostedBy: stackOf(peerRegion),
      });
    }
  }
  return gates;
}

async function renderCell(
  region: string,
  d: TrafficDeployment,
  peers: Map<string, DrManifest["traffic"]>,
): Promise<TrafficCell> {
  const cell = regionCode(region);
  const render = await renderProgram({
    stack: stackOf(region),
    config: { "aws:region": region },
    program: async () => {
      // Named as RegionalCell names it (`${app}-${cell}-traffic`), so ids differ per stack.
      const traffic = new CellTraffic(`${APP}-${cell}-traffic`, {
        identity: { app: APP, cell, region },
        stackName: stackOf(region),
        hostedZoneId: "Z04912345EXAMPLE0DR",
        zoneName: ZONE,
        serviceName: "api",
        writerName: "writer",
        ttlSeconds: 30,
        healthCheckPath: "/healthz",
        healthCheckIntervalSeconds: 10,
        healthCheckFailureThreshold: 3,
        loadBalancerDnsName: `${APP}-${cell}-alb.${region}.elb.amazonaws.com`,
        loadBalancerZoneId: "Z35SXDOTRQ7X7K",
        cellRegions: [region, ...d.regions.filter((r) => r !== region)],
        peerGates: peerGatesFor(region, peers),
        trafficSwitch: { type: "cloudwatch-gate", witnessRegions: d.witnessRegions },
      });
      return { manifestTraffic: traffic.manifestTraffic };
    },
  });
  const manifestTraffic = await (render.outputs.manifestTraffic as
    DrManifest["traffic"] | pulumi.Output<DrManifest["traffic"]>);
  return { resources: render.resources, manifestTraffic: manifestTraffic as DrManifest["traffic"] };
}

/**
 * Renders every deployment as `pulumi up` would build it: each cell in deploy order (home
 * first) seeing the traffic sections published before it, then a second pass in which every
 * cell sees all its peers.
 */
export async function renderTrafficSnapshot(): Promise<TrafficSnapshot> {
  const snapshot: TrafficSnapshot = { steady: {}, firstDeploy: {} };
  for (const [key, d] of Object.entries(DEPLOYMENTS)) {
    const published = new Map<string, DrManifest["traffic"]>();
    const cells: Record<string, TrafficCell> = {};
    for (let pass = 0; pass < 2; pass++) {
      for (const region of d.regions) {
        const peers = new Map([...published].filter(([r]) => r !== region));
        const rendered = await renderCell(region, d, peers);
        if (pass === 0 && region === d.regions[0]) snapshot.firstDeploy[key] = rendered;
        published.set(region, rendered.manifestTraffic);
        cells[region] = rendered;
      }
    }
    snapshot.steady[key] = cells;
  }
  // Through JSON, as the fixtures read it back (drops undefined fields).
  return JSON.parse(JSON.stringify(snapshot)) as TrafficSnapshot;
}

let cached: TrafficSnapshot | undefined;

/** The stored snapshot (read once). */
export function trafficSnapshot(): TrafficSnapshot {
  cached ??= JSON.parse(fs.readFileSync(SNAPSHOT_FILE, "utf8")) as TrafficSnapshot;
  return cached;
}

if (require.main === module) {
  renderTrafficSnapshot()
    .then((s) => {
      const text = `${JSON.stringify(s, null, 2)}\n`;
      if (process.argv.includes("--write")) fs.writeFileSync(SNAPSHOT_FILE, text);
      else process.stdout.write(text);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
