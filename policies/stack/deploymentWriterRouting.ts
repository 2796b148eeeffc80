import * as path from "path";
import { z } from "zod";
import { DrManifest, MANIFEST_OUTPUT, parseManifest } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { at, isObject, str } from "../lib/props";
import { gateQuorum } from "../route53/gates";
import { failoverRole } from "../route53/records";
import * as fs from "fs";
import { ownManifest } from "./ownManifest";
import { PEER_MANIFEST_CONFIG } from "./peerCellParity";
import { writerRecords } from "./writerView";

export const DEPLOYMENT_WRITER_POLICY = "dr-deployment-writer-routing";

/** A cell as the deployment check sees it: a v2 manifest, or a v1 cell's failover role. */
type Cell =
  | { kind: "v2"; manifest: DrManifest }
  | { kind: "failover"; stack: string; region: string; role: string };

/**
 * Reads one peer manifest. A schema v1 manifest (a cell not yet upgraded) still routes writers
 * by a failover record: it is kept as its role, so a mixed or N-cell deployment shows.
 */
function readCell(raw: unknown, source: string): Cell {
  const value = isObject(raw) && MANIFEST_OUTPUT in raw ? raw[MANIFEST_OUTPUT] : raw;
  const role = str(at(value, "traffic.failoverRecord.role"));
  if (at(value, "schemaVersion") === 1 && role) {
    return {
      kind: "failover",
      stack: str(at(value, "stack")) ?? source,
      region: str(at(value, "region")) ?? "?",
      role,
    };
  }
  return { kind: "v2", manifest: parseManifest(value, source) };
}

const sorted = (xs: string[]) => [...new Set(xs)].sort().join(", ");

export const drDeploymentWriterRouting = stackPolicy({
  name: DEPLOYMENT_WRITER_POLICY,
  description:
    "Across the deployment (this cell and its peers' DR manifests, as policy config): every cell has its weighted writer record on the same name unless it is deferred for a missing gate, no two cells share a failover role, all cells count the same gate regions (every cell region and the same witness regions) with a majority quorum, and each cell's writer check counts the gates its peers really host. Cells that disagree on the gate regions or quorum disagree on who may write.",
  enforcementLevel: "mandatory",
  config: z.strictObject({
    ...PEER_MANIFEST_CONFIG,
  }),
  validate: (stack, config, report, notApplicable) => {
    const raws: [unknown, string][] = [
      ...config.peerManifests.map((m, i): [unknown, string] => [
        m,
        `${DEPLOYMENT_WRITER_POLICY}.peerManifests[${i}]`,
      ]),
      ...config.peerManifestFiles.map((f): [unknown, string] => [
        JSON.parse(fs.readFileSync(path.resolve(f), "utf8")),
        f,
      ]),
    ];
    if (raws.length === 0) {
      notApplicable(
        `no peer manifests configured; pass them as ${DEPLOYMENT_WRITER_POLICY}.peerManifests with --policy-pack-config`,
      );
    }
    const own = ownManifest(stack);
    if (own.kind !== "valid") return;
    const m = own.manifest;
    const peers = raws.map(([raw, source]) => readCell(raw, source));

    // Failover roles: this stack's own writer records, and v1 peers.
    const roles: { stack: string; role: string }[] = [];
    for (const r of writerRecords(stack, m)) {
      const role = failoverRole(r.props);
      if (role) roles.push({ stack: m.stack, role });
    }
    for (const p of peers) if (p.kind === "failover") roles.push(p);
    for (const role of new Set(roles.map((r) => r.role))) {
      const holders = roles.filter((r) => r.role === role).map((r) => r.stack);
      if (holders.length > 1) {
        report(
          `${holders.join(" and ")} would both be the ${role} failover record on ${m.endpoints.writerName}; failover routing holds one PRIMARY and one SECONDARY, so with ${peers.length + 1} cells the writer cannot reach them all. Upgrade every cell to the weighted writer record (manifest schema v2).`,
        );
      }
    }
    if (roles.length > 0 && roles.length < peers.length + 1) {
      report(
        `${sorted(roles.map((r) => r.stack))} route ${m.endpoints.writerName} by failover while the other cells use weighted records; Route 53 does not let routing policies mix on one name, so the cells cannot all hold a writer record. Upgrade ${sorted(roles.map((r) => r.stack))}.`,
      );
    }

    const cells = [m, ...peers.flatMap((p) => (p.kind === "v2" ? [p.manifest] : []))];
    const byRegion = new Map(cells.map((c) => [c.region, c]));
    const allCellRegions = [
      ...new Set(cells.flatMap((c) => [c.region, ...c.peers.map((p) => p.region)])),
    ];

    for (const c of cells) {
      const t = c.traffic;
      // Each cell's writer record, unless deferred for a gate a peer has not published.
      if (t.writerRecord === null) {
        const sw = t.switch;
        const missing =
          sw.type === "cloudwatch-gate"
            ? sw.gateRegions.filter((r) => !sw.gates.some((g) => g.region === r))
            : [];
        const nowHosted = missing.filter((r) =>
          byRegion.get(r)?.traffic.hostedGates.some((g) => g.forRegion === c.region),
        );
        if (missing.length === 0 || c.deferred.length === 0) {
          report(
            `Cell ${c.stack} has no writer record and nothing deferred explains it; it can never take writes. Run \`pulumi up -s ${c.stack}\`.`,
          );
        } else if (c === m && nowHosted.length === missing.length) {
          // A peer still waiting is that stack's next `pulumi up`, not this stack's violation.
          report(
            `Cell ${c.stack} has no writer record yet, but its peers now host its gates in ${nowHosted.join(", ")}; run \`pulumi up -s ${c.stack}\` again to add it.`,
          );
        }
      } else if (t.writerRecord.name !== m.endpoints.writerName) {
        report(
          `Cell ${c.stack}'s writer record is ${t.writerRecord.name}, this cell's ${m.endpoints.writerName}; every cell's record belongs to one weighted set (dr:dns.writerName).`,
        );
      }
    }
    const ids = cells
      .filter((c) => c.traffic.writerRecord)
      .map((c) => c.traffic.writerRecord!.setIdentifier);
    for (const id of new Set(ids)) {
      if (ids.filter((x) => x === id).length > 1) {
        report(
          `Several cells' writer records have setIdentifier ${id}; each cell's is its own, or one overwrites the other.`,
        );
      }
    }

    // One gate geometry for all: the same regions, the same majority.
    const types = new Set(cells.map((c) => c.traffic.switch.type));
    if (types.size > 1) {
      report(
        `The cells switch writers in different ways (${sorted([...types])}); set the same dr:trafficSwitch.type in every stack.`,
      );
      return;
    }
    const gated = cells.flatMap((c) => {
      const sw = c.traffic.switch;
      return sw.type === "cloudwatch-gate" ? [{ c, sw }] : [];
    });
    const witnesses = new Set(gated.map(({ sw }) => sorted(sw.witnessRegions)));
    if (witnesses.size > 1) {
      report(
        `The cells list different witness regions (${gated.map(({ c, sw }) => `${c.stack}: [${sw.witnessRegions.join(", ")}]`).join("; ")}); every cell must list the same dr:trafficSwitch.witnessRegions or a majority means different things to each.`,
      );
    }
    for (const { c, sw } of gated) {
      const want = sorted([...allCellRegions, ...sw.witnessRegions]);
      if (sorted(sw.gateRegions) !== want) {
        report(
          `Cell ${c.stack} counts the gate regions [${sorted(sw.gateRegions)}] but the deployment's are [${want}]; add every cell to its dr:peers so it counts them all.`,
        );
      }
      if (sw.quorum !== gateQuorum(sw.gateRegions.length)) {
        report(
          `Cell ${c.stack}'s quorum is ${sw.quorum} of ${sw.gateRegions.length} gate regions; a majority is ${gateQuorum(sw.gateRegions.length)}.`,
        );
      }
      // The gates a cell counts are the ones its peers publish.
      for (const g of sw.gates) {
        const host = cells.find((x) => x.stack === g.hostedBy);
        if (!host || host === c) continue;
        const published = host.traffic.hostedGates.find(
          (h) => h.forRegion === c.region && h.region === g.region,
        );
        if (!published || published.healthCheckId !== g.healthCheckId) {
          report(
            `Cell ${c.stack}'s writer check counts the gate in ${g.region} as ${g.healthCheckId}, but ${host.stack} publishes ${published ? published.healthCheckId : "no such gate"}; run \`pulumi up -s ${c.stack}\` so it counts the gate that exists.`,
          );
        }
      }
      for (const other of allCellRegions.filter((r) => r !== c.region)) {
        if (!c.traffic.hostedGates.some((h) => h.forRegion === other && h.region === c.region)) {
          report(
            `Cell ${c.stack} hosts no gate for the cell in ${other}; that cell's writer check is missing the vote of ${c.region}. Add ${other} to ${c.stack}'s dr:peers.`,
          );
        }
      }
    }
  },
});
