import * as assert from "assert";
import fc from "fast-check";
import { AdmissionInput, decideAdmission, PeerContact } from "./decision";

const US = "us-east-1";
const EU = "eu-west-1";
const AP = "ap-southeast-2";
const REGIONS = [US, EU, AP];
const NOW = Date.parse("2026-11-22T03:00:00.000Z");
const LEASE = 3;

/** Everything holds: us-east-1 is the recorded writer, unfenced, writable, peers just heard. */
function healthy(overrides: Partial<AdmissionInput> = {}): AdmissionInput {
  return {
    region: US,
    homeRegion: US,
    writer: { region: US, epoch: 1, writtenAtMs: NOW - 3_600_000 },
    fence: { fenced: false, epoch: 1 },
    databaseWritable: true,
    peers: [
      { region: EU, lastHeardMs: NOW - 500 },
      { region: AP, lastHeardMs: NOW - 900 },
    ],
    nowMs: NOW,
    leaseSeconds: LEASE,
    ...overrides,
  };
}

// --- arbitraries ---------------------------------------------------------------------------

const region = fc.constantFrom(...REGIONS);
const time = fc.integer({ min: NOW - 60_000, max: NOW + 60_000 });
const lease = fc.constantFrom(1, 2, 3, 5, 10);

const input: fc.Arbitrary<AdmissionInput> = fc
  .record({
    region,
    homeRegion: region,
    writer: fc.option(
      fc.record({ region, epoch: fc.nat(20), writtenAtMs: fc.option(time, { nil: undefined }) }),
      { nil: undefined },
    ),
    fence: fc.option(fc.record({ fenced: fc.boolean(), epoch: fc.nat(20) }), { nil: undefined }),
    databaseWritable: fc.boolean(),
    heard: fc.tuple(fc.option(time, { nil: undefined }), fc.option(time, { nil: undefined })),
    nowMs: time,
    leaseSeconds: lease,
  })
  .map(({ heard, ...rest }) => ({
    ...rest,
    peers: REGIONS.filter((r) => r !== rest.region).map((r, i): PeerContact => ({
      region: r,
      lastHeardMs: heard[i],
    })),
  }));

/** The contract restated independently of the implementation: all four conditions. */
function oracle(i: AdmissionInput): boolean {
  const c1 = i.writer ? i.writer.region === i.region : i.region === i.homeRegion;
  const c2 = !i.fence?.fenced;
  const c3 = i.databaseWritable;
  const c4 = i.peers.every((p) => {
    if (p.lastHeardMs !== undefined && i.nowMs - p.lastHeardMs < i.leaseSeconds * 1000) return true;
    if (p.lastHeardMs === undefined) return false;
    const w = i.writer?.writtenAtMs;
    return w !== undefined && w >= p.lastHeardMs + i.leaseSeconds * 1000;
  });
  return c1 && c2 && c3 && c4;
}

describe("admission: the pure decision (the four conditions)", () => {
  it("admits when all four conditions hold, and says so", () => {
    const d = decideAdmission(healthy());
    assert.strictEqual(d.admit, true, d.reason);
    assert.strictEqual(d.condition, undefined);
    assert.match(d.reason, /us-east-1 is the recorded writer/);
    // Admitted on the peers' account: until the earliest of their leases runs out.
    assert.strictEqual(d.validUntilMs, NOW - 900 + LEASE * 1000);
  });

  it("condition 1: refuses when the writer item names another region", () => {
    const d = decideAdmission(healthy({ writer: { region: EU, epoch: 7, runId: "r7" } }));
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "writer");
    assert.match(d.reason, /names eu-west-1 \(epoch 7, run r7\), not us-east-1/);
    assert.match(d.reason, /send writes to eu-west-1/);
  });

  it("condition 1: with no writer item only the home region writes", () => {
    assert.strictEqual(decideAdmission(healthy({ writer: undefined })).admit, true);
    const d = decideAdmission(
      healthy({
        region: EU,
        writer: undefined,
        peers: [
          { region: US, lastHeardMs: NOW },
          { region: AP, lastHeardMs: NOW },
        ],
      }),
    );
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "writer");
    assert.match(d.reason, /no writer item, so only the home region us-east-1 writes/);
  });

  it("condition 2: refuses when this region is fenced; an unfenced or absent fence is fine", () => {
    const d = decideAdmission(healthy({ fence: { fenced: true, epoch: 4, runId: "f4" } }));
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "fence");
    assert.match(d.reason, /us-east-1 is fenced \(fence#us-east-1 \(epoch 4, run f4\)\)/);
    assert.strictEqual(decideAdmission(healthy({ fence: undefined })).admit, true);
    assert.strictEqual(decideAdmission(healthy({ fence: { fenced: false } })).admit, true);
  });

  it("condition 3: refuses when the database is read-only", () => {
    const d = decideAdmission(healthy({ databaseWritable: false }));
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "database");
    assert.match(d.reason, /read-only/);
  });

  it("condition 4: refuses when a peer is silent past the lease and the writer item is older", () => {
    const lost = NOW - 4_000;
    const d = decideAdmission(
      healthy({
        peers: [
          { region: EU, lastHeardMs: lost },
          { region: AP, lastHeardMs: NOW },
        ],
      }),
    );
    assert.strictEqual(d.admit, false);
    assert.strictEqual(d.condition, "lease");
    assert.match(d.reason, /nothing heard from eu-west-1 for 4 s \(lease 3 s\)/);
    // A writer item recorded after the loss plus the lease restores it: the old writer stopped.
    const renewed = decideAdmission(
      healthy({
        writer: { region: US, epoch: 2, writtenAtMs: lost + LEASE * 1000 },
        peers: [
          { region: EU, lastHeardMs: lost },
          { region: AP, lastHeardMs: NOW },
        ],
      }),
    );
    assert.strictEqual(renewed.admit, true, renewed.reason);
    // One millisecond earlier does not.
    const early = decideAdmission(
      healthy({
        writer: { region: US, epoch: 2, writtenAtMs: lost + LEASE * 1000 - 1 },
        peers: [
          { region: EU, lastHeardMs: lost },
          { region: AP, lastHeardMs: NOW },
        ],
      }),
    );
    assert.strictEqual(early.condition, "lease");
  });

  it("condition 4: a peer never heard from, or a writer item without a write time, refuses", () => {
    const never = decideAdmission(
      healthy({
        peers: [
          { region: EU, lastHeardMs: undefined },
          { region: AP, lastHeardMs: NOW },
        ],
      }),
    );
    assert.strictEqual(never.condition, "lease");
    assert.match(never.reason, /no heartbeat from eu-west-1 has ever reached/);
    const undated = decideAdmission(
      healthy({
        writer: { region: US, epoch: 2 },
        peers: [
          { region: EU, lastHeardMs: NOW - 10_000 },
          { region: AP, lastHeardMs: NOW },
        ],
      }),
    );
    assert.strictEqual(undated.condition, "lease");
    assert.match(undated.reason, /carries no write time/);
  });

  it("refuses with the first failing condition, in the documented order", () => {
    const d = decideAdmission(
      healthy({
        writer: { region: EU },
        fence: { fenced: true },
        databaseWritable: false,
        peers: [{ region: EU, lastHeardMs: undefined }],
      }),
    );
    assert.strictEqual(d.condition, "writer");
    assert.strictEqual(
      decideAdmission(healthy({ fence: { fenced: true }, databaseWritable: false })).condition,
      "fence",
    );
  });

  it("property: admits exactly when all four conditions hold", () => {
    fc.assert(
      fc.property(input, (i) => {
        const d = decideAdmission(i);
        assert.strictEqual(d.admit, oracle(i), JSON.stringify({ i, d }));
      }),
      { numRuns: 5000 },
    );
  });

  it("property: a refusal names its condition and the region; an admission names none", () => {
    fc.assert(
      fc.property(input, (i) => {
        const d = decideAdmission(i);
        assert.ok(d.reason.length > 20);
        if (d.admit) {
          assert.strictEqual(d.condition, undefined);
        } else {
          assert.ok(["writer", "fence", "database", "lease"].includes(d.condition ?? ""));
          assert.ok(d.reason.includes(i.region) || d.reason.includes(i.homeRegion), d.reason);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("property: regions reading one control-table snapshot never both admit", () => {
    fc.assert(
      fc.property(input, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (i, dbs) => {
        // Every region sees the same writer item; fences, databases and leases are arbitrary.
        const admitted = REGIONS.filter(
          (r, k) =>
            decideAdmission({
              ...i,
              region: r,
              databaseWritable: dbs[k],
              fence: undefined,
              peers: REGIONS.filter((p) => p !== r).map((p) => ({
                region: p,
                lastHeardMs: i.nowMs,
              })),
            }).admit,
        );
        assert.ok(admitted.length <= 1, admitted.join(","));
      }),
      { numRuns: 2000 },
    );
  });

  it("property: a partitioned old writer and a region promoted after its lease never overlap", () => {
    // The old writer A keeps its old writer item (it never receives the new one); B's replica
    // shows B as writer from tB on, recorded at least a lease after the two lost each other
    // (the runbook's detection and promotion take longer than that). Both databases are
    // writable (Aurora leaves an unreachable primary writable): only the lease separates them.
    const scenario = fc.record({
      lost: time,
      leaseSeconds: lease,
      wait: fc.integer({ min: 0, max: 120_000 }),
      at: fc.integer({ min: -10_000, max: 200_000 }),
      oldWrittenBefore: fc.integer({ min: 0, max: 3_600_000 }),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const leaseMs = s.leaseSeconds * 1000;
        const tB = s.lost + leaseMs + s.wait;
        const now = s.lost + s.at;
        const oldItem = { region: US, epoch: 1, writtenAtMs: s.lost - s.oldWrittenBefore };
        const a = decideAdmission({
          region: US,
          homeRegion: US,
          writer: oldItem,
          fence: undefined,
          databaseWritable: true,
          peers: [{ region: EU, lastHeardMs: Math.min(now, s.lost) }],
          nowMs: now,
          leaseSeconds: s.leaseSeconds,
        });
        const b = decideAdmission({
          region: EU,
          homeRegion: US,
          writer: now >= tB ? { region: EU, epoch: 2, writtenAtMs: tB } : oldItem,
          fence: undefined,
          databaseWritable: true,
          peers: [{ region: US, lastHeardMs: Math.min(now, s.lost) }],
          nowMs: now,
          leaseSeconds: s.leaseSeconds,
        });
        assert.ok(!(a.admit && b.admit), JSON.stringify({ s, a, b }));
        // And the new writer does write once recorded.
        if (now >= tB) assert.ok(b.admit, b.reason);
      }),
      { numRuns: 5000 },
    );
  });

  it("property: an admission holds with time alone until validUntilMs; a lapsed lease stays lapsed", () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 30_000 }), (i, dt) => {
        const d = decideAdmission(i);
        const later = decideAdmission({ ...i, nowMs: i.nowMs + dt });
        if (d.admit && (d.validUntilMs === undefined || i.nowMs + dt < d.validUntilMs)) {
          assert.ok(later.admit, later.reason);
        }
        if (!d.admit && d.condition === "lease") assert.strictEqual(later.admit, false);
      }),
      { numRuns: 3000 },
    );
  });
});
