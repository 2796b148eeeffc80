import * as assert from "node:assert/strict";
import fc from "fast-check";
import jsonata from "jsonata";
import { decideAdmission } from "../../admission";
import { admissionExpression, JobWorkflowParams } from "./workflow";

/*
 * The job workflow decides write admission in JSONata (Step Functions runs it); services decide
 * with admission/decision.ts. The two must agree: here the expression runs in the JSONata
 * engine over the items a Parallel state of GetItems would return, and is compared with
 * decideAdmission on the same items (database writable: the workflow has none).
 */
const REGION = "us-east-1";
const HOME = "us-east-1";
const PEERS = ["eu-west-1", "ap-southeast-1"];
const LEASE_SECONDS = 30;
const params: JobWorkflowParams = {
  region: REGION,
  homeRegion: HOME,
  peerRegions: PEERS,
  controlTableName: "shop-control",
  jobTable: { tableName: "shop-orders", partitionKey: "pk" },
  busName: "shop-use1-events",
  eventSource: "shop.jobs",
  leaseSeconds: LEASE_SECONDS,
} as JobWorkflowParams;

const source = admissionExpression(params).replace(/^\{%/, "").replace(/%\}$/, "");
const expression = jsonata(source);
const NOW = Date.parse("2026-11-30T12:00:00.000Z");

interface Case {
  writer?: { region: string; writtenAtMs?: number };
  fenced?: boolean;
  heard: Array<number | undefined>;
}

async function workflowSays(
  c: Case,
  expr: jsonata.Expression = expression,
): Promise<{ admit: boolean; condition: string }> {
  const item = (x: Record<string, unknown> | undefined) => (x === undefined ? {} : { item: x });
  const result = [
    item(
      c.writer && {
        pk: { S: "writer" },
        region: { S: c.writer.region },
        ...(c.writer.writtenAtMs === undefined
          ? {}
          : { updatedAt: { S: new Date(c.writer.writtenAtMs).toISOString() } }),
      },
    ),
    item(c.fenced === undefined ? undefined : { fenced: { BOOL: c.fenced } }),
    ...c.heard.map((at) => item(at === undefined ? undefined : { at: { N: String(at) } })),
  ];
  return expr.evaluate({}, { states: { result }, millis: () => NOW });
}

function librarySays(c: Case) {
  return decideAdmission({
    region: REGION,
    homeRegion: HOME,
    writer: c.writer,
    fence: c.fenced === undefined ? undefined : { fenced: c.fenced },
    databaseWritable: true,
    peers: PEERS.map((region, i) => ({ region, lastHeardMs: c.heard[i] })),
    nowMs: NOW,
    leaseSeconds: LEASE_SECONDS,
  });
}

const time = fc.integer({ min: NOW - 120_000, max: NOW }).map((t) => Math.floor(t / 1000) * 1000);
const cases: fc.Arbitrary<Case> = fc.record({
  writer: fc.option(
    fc.record({
      region: fc.constantFrom(REGION, ...PEERS),
      writtenAtMs: fc.option(time, { nil: undefined }),
    }),
    { nil: undefined },
  ),
  fenced: fc.option(fc.boolean(), { nil: undefined }),
  heard: fc.tuple(fc.option(time, { nil: undefined }), fc.option(time, { nil: undefined })),
});

describe("components/events: the workflow's admission expression agrees with decideAdmission", () => {
  it("admits exactly when the library admits, and names the same refused condition", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const wf = await workflowSays(c);
        const lib = librarySays(c);
        assert.equal(wf.admit, lib.admit, JSON.stringify({ c, wf, lib }));
        assert.equal(wf.condition, lib.admit ? "none" : lib.condition);
      }),
      { numRuns: 500 },
    );
  });

  it("catches an expression that forgets the lease (the comparison can fail)", async () => {
    const forgetful = jsonata(source.replace(/\$leaseOk := [^;]*;/, "$leaseOk := true;"));
    assert.notEqual(forgetful, expression);
    const out = await fc.check(
      fc.asyncProperty(cases, async (c) => {
        const wf = await workflowSays(c, forgetful);
        return wf.admit === librarySays(c).admit;
      }),
      { numRuns: 500 },
    );
    assert.ok(out.failed, "a lease-less expression must disagree with the library somewhere");
  });

  it("refuses a fenced writer, a stale lease and a non-home region with no writer item", async () => {
    const fresh = [NOW - 1000, NOW - 1000];
    assert.deepEqual(
      { ...(await workflowSays({ writer: { region: REGION }, heard: fresh })) },
      {
        admit: true,
        condition: "none",
      },
    );
    assert.equal(
      (await workflowSays({ writer: { region: REGION }, fenced: true, heard: fresh })).condition,
      "fence",
    );
    assert.equal(
      (await workflowSays({ writer: { region: REGION }, heard: [NOW - 60_000, NOW - 1000] }))
        .condition,
      "lease",
    );
    assert.equal(
      (await workflowSays({ writer: { region: "eu-west-1" }, heard: fresh })).condition,
      "writer",
    );
  });
});
