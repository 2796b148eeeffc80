import * as assert from "assert";
import { DrManifest } from "../../manifest";
import { SAMPLE_REGIONS, sampleManifest, SampleRegion } from "../../manifest/sample";
import { AdapterError } from "../adapters/types";
import { ParamOverrides, UnreachableAlarm, WriterCheckDesign } from "./params";
import { Simulation } from "./simulation";

/*
 * The simulator's Route 53 at AWS's documented rules (see traffic.ts for the sources), and the
 * robustness of the writer routing: for two cells and a witness, and for three cells, under
 * every single-region outage and isolation (the witness's included) and every value of the
 * undocumented `unreachableAlarm`, moving the writer to each possible target leaves the writer
 * name answering exactly the target, and never two healthy writer records at once.
 *
 * The moves follow the commands' protocol (failover/runbooks trafficMove): close the old
 * writer's gate (0) in every gate region they can reach, wait until it is ALARM in at least
 * G - quorum + 1 of them, then open the target's (1) everywhere reachable and wait until it is
 * OK in at least `quorum`. The drills run the real runbooks; this drives Route 53 directly, so
 * it holds whatever the runbooks do around it.
 */

const USE1 = "us-east-1";
const EUW1 = "eu-west-1";
const WITNESS = "us-west-2";
const UNREACHABLE: UnreachableAlarm[] = ["healthy", "unhealthy", "last-known"];
const quiet = (route53: ParamOverrides["route53"] = {}): ParamOverrides => ({
  workload: { clientsPerRegion: 0 },
  route53,
});

function cells(n: 2 | 3): DrManifest[] {
  const regions = SAMPLE_REGIONS.slice(0, n) as SampleRegion[];
  return regions.map((r) => sampleManifest(r, regions));
}

function gateSwitch(m: DrManifest) {
  const sw = m.traffic.switch;
  if (sw.type !== "cloudwatch-gate") throw new Error("sample cells use CloudWatch gates");
  return sw;
}

/** Advances virtual time until `done` or `limit` seconds from now; true when `done` held. */
function until(s: Simulation, done: () => boolean, limit: number, step = 10): boolean {
  const end = s.kernel.now + limit;
  while (!done()) {
    if (s.kernel.now >= end) return false;
    s.kernel.advanceTo(Math.min(end, s.kernel.now + step));
  }
  return true;
}

/**
 * close-then-open: the protocol. close-and-open: both puts at once, verifying after (the
 * alarms then evaluate in any order). open-then-close: the wrong way round.
 */
type Order = "close-then-open" | "close-and-open" | "open-then-close";

/** The commands' traffic move from `from` to `to`; false when its verification never passed. */
function moveWriter(
  s: Simulation,
  from: DrManifest,
  to: DrManifest,
  order: Order = "close-then-open",
): boolean {
  const reachable = (r: string) => s.world.reachableFromOutside(r);
  const put = (m: DrManifest, value: number) => {
    const sw = gateSwitch(m);
    for (const g of sw.gates) {
      if (reachable(g.region))
        s.traffic.putMetric(g.region, sw.namespace, sw.metricName, sw.dimensions, value);
    }
  };
  const count = (m: DrManifest, state: string) =>
    gateSwitch(m).gates.filter(
      (g) =>
        reachable(g.region) &&
        s.traffic.alarmStates(g.region, [g.alarmName])[g.alarmName] === state,
    ).length;
  const sw = gateSwitch(from);
  const closed = () => count(from, "ALARM") >= sw.gates.length - sw.quorum + 1;
  const opened = () => count(to, "OK") >= gateSwitch(to).quorum;
  if (order === "open-then-close") {
    put(to, 1);
    if (!until(s, opened, 600)) return false;
    put(from, 0);
    return until(s, closed, 600);
  }
  if (order === "close-and-open") {
    put(from, 0);
    put(to, 1);
    return until(s, () => closed() && opened(), 600);
  }
  put(from, 0);
  if (!until(s, closed, 600)) return false;
  put(to, 1);
  return until(s, opened, 600);
}

type Fault = { kind: "outage" | "isolation"; region: string } | undefined;

interface MoveCase {
  n: 2 | 3;
  fault: Fault;
  to: string;
  unreachableAlarm: UnreachableAlarm;
  writerCheck?: WriterCheckDesign;
  order?: Order;
}

const describeCase = (c: MoveCase) =>
  `${c.n} cells, ${c.fault ? `${c.fault.region} ${c.fault.kind}` : "no fault"}, -> ${c.to}, unreachableAlarm ${c.unreachableAlarm}${c.writerCheck ? `, ${c.writerCheck}` : ""}${c.order ? `, ${c.order}` : ""}`;

/**
 * The property for one case: after the move (and after the fault heals) the writer name
 * answers exactly the target, and no two writer records were ever healthy at once. Returns
 * what went wrong, or undefined.
 */
function checkMove(c: MoveCase, seed = 1): string | undefined {
  const manifests = cells(c.n);
  const s = new Simulation({
    manifests,
    seed,
    params: quiet({ unreachableAlarm: c.unreachableAlarm, writerCheck: c.writerCheck }),
  });
  const from = manifests[0];
  const to = manifests.find((m) => m.region === c.to)!;
  s.kernel.advanceTo(60);
  if (c.fault) {
    if (c.fault.kind === "outage") s.world.setDown(c.fault.region, true);
    else s.world.setIsolated(c.fault.region, true);
  }
  // The commands start once the fault is detected (or at once for a switchover).
  s.kernel.advanceTo(120);
  if (!moveWriter(s, from, to, c.order)) return "the move's verification never passed";
  s.kernel.advanceTo(s.kernel.now + 120);
  const problems: string[] = [];
  const exactly = (when: string) => {
    const answers = s.traffic.writerAnswers();
    if (answers.length !== 1 || answers[0] !== c.to)
      problems.push(`${when}: the writer name answers ${answers.join(", ")}, not ${c.to}`);
  };
  exactly("after the move");
  if (c.fault) {
    if (c.fault.kind === "outage") s.world.setDown(c.fault.region, false);
    else s.world.setIsolated(c.fault.region, false);
    s.kernel.advanceTo(s.kernel.now + 300);
    exactly("after the fault healed");
  }
  if (s.traffic.overlaps.length > 0)
    problems.push(
      `two writer records healthy at once: ${JSON.stringify(s.traffic.overlaps.slice(0, 2))}`,
    );
  return problems.length ? problems.join("; ") : undefined;
}

/** Every case of the property: each single-region fault (and none), target and parameter. */
function allCases(n: 2 | 3, extra: Partial<MoveCase> = {}): MoveCase[] {
  const manifests = cells(n);
  const writer = manifests[0].region;
  const regions = [...new Set(manifests.flatMap((m) => gateSwitch(m).gateRegions))];
  const faults: Fault[] = [
    undefined,
    ...regions.flatMap((region) => [
      { kind: "outage" as const, region },
      { kind: "isolation" as const, region },
    ]),
  ];
  const out: MoveCase[] = [];
  for (const fault of faults) {
    for (const to of manifests.map((m) => m.region).filter((r) => r !== writer)) {
      // A failover needs a target that is up (an isolated one can still be given the name).
      if (fault?.kind === "outage" && fault.region === to) continue;
      for (const unreachableAlarm of UNREACHABLE)
        out.push({ n, fault, to, unreachableAlarm, ...extra });
    }
  }
  return out;
}

describe("simulator: Route 53 at AWS's documented rules", () => {
  it("counts an HTTPS check healthy while more than 18% of its checkers are, each flipping after the threshold", () => {
    const s = new Simulation({
      manifests: cells(2),
      seed: 2,
      params: quiet({ healthPropagationSeconds: { kind: "constant", value: 0 } }),
    });
    const id = cells(2)[0].traffic.healthCheck.healthCheckId;
    s.kernel.advanceTo(30);
    assert.deepStrictEqual(s.traffic.healthCheckStatus(id), {
      healthCheckId: id,
      healthy: true,
      checkersReporting: 8,
      checkersHealthy: 8,
    });
    s.world.setDown(USE1, true);
    const seen = new Set<string>();
    for (let t = 30; t <= 90; t += 0.25) {
      s.kernel.advanceTo(t);
      const st = s.traffic.healthCheckStatus(id)!;
      seen.add(`${st.checkersHealthy}:${st.healthy}`);
      assert.strictEqual(
        st.healthy,
        st.checkersHealthy / 8 > 0.18,
        `at ${t}: ${JSON.stringify(st)}`,
      );
    }
    // Each checker needs 3 consecutive failures 10 s apart: none flips within 20 s.
    assert.ok(seen.has("2:true") && seen.has("1:false"), [...seen].join(" "));
    assert.ok(!s.traffic.cellOfRegion(USE1)!.httpsHealthy);
  });

  it("keeps a gate that never received data closed (INSUFFICIENT_DATA, insufficientDataHealthStatus Unhealthy)", () => {
    const s = new Simulation({ manifests: cells(2), seed: 1, params: quiet() });
    const euw1 = s.traffic.cellOfRegion(EUW1)!;
    assert.deepStrictEqual(
      euw1.gates.map((g) => [g.alarm, g.healthy]),
      euw1.gates.map(() => ["INSUFFICIENT_DATA", false]),
    );
    assert.deepStrictEqual(s.traffic.healthyWriters(), [USE1]);
    const open = new Simulation({
      manifests: cells(2),
      seed: 1,
      params: quiet({ gateInsufficientData: "healthy" }),
    });
    assert.deepStrictEqual(
      open.traffic.healthyWriters(),
      [USE1, EUW1],
      "the other setting opens it",
    );
  });

  it("takes the Minimum over the period: a close wins over an open in the same minute, then ages out", () => {
    const s = new Simulation({
      manifests: cells(2),
      seed: 4,
      params: quiet({ alarmEvaluationSeconds: { kind: "constant", value: 5 } }),
    });
    const sw = gateSwitch(cells(2)[1]);
    const alarm = () => s.traffic.alarmStates(EUW1, [sw.gates[1].alarmName])[sw.gates[1].alarmName];
    s.kernel.advanceTo(10);
    s.traffic.putMetric(EUW1, sw.namespace, sw.metricName, sw.dimensions, 0);
    s.kernel.advanceTo(20);
    s.traffic.putMetric(EUW1, sw.namespace, sw.metricName, sw.dimensions, 1);
    s.kernel.advanceTo(69);
    assert.strictEqual(alarm(), "ALARM", "the 0 at 10 s is in the window");
    s.kernel.advanceTo(71);
    assert.strictEqual(alarm(), "OK", "once the 0 ages out the 1 decides");
    // treatMissingData ignore: an hour without data keeps the state.
    s.kernel.advanceTo(3700);
    assert.strictEqual(alarm(), "OK");
  });

  it("makes the writer check CALCULATED over the gates: healthy with a quorum, whatever the HTTPS check says", () => {
    const s = new Simulation({ manifests: cells(2), seed: 5, params: quiet() });
    const sw = gateSwitch(cells(2)[0]);
    const use1 = s.traffic.cellOfRegion(USE1)!;
    s.kernel.advanceTo(10);
    s.traffic.putMetric(WITNESS, sw.namespace, sw.metricName, sw.dimensions, 0);
    s.kernel.advanceTo(200);
    assert.deepStrictEqual(
      use1.gates.map((g) => g.healthy),
      [true, true, false],
    );
    assert.ok(use1.writerHealthy, "2 of 3 gates: still a quorum");
    s.traffic.putMetric(EUW1, sw.namespace, sw.metricName, sw.dimensions, 0);
    s.kernel.advanceTo(400);
    assert.ok(!use1.writerHealthy, "1 of 3: below the quorum");
    const writerCheck = cells(2)[0].traffic.healthCheck.writerHealthCheckId!;
    assert.throws(
      () => s.traffic.healthCheckStatus(writerCheck),
      (e: unknown) => e instanceof AdapterError && e.awsName === "InvalidInput",
      "GetHealthCheckStatus refuses calculated checks",
    );
  });

  it("answers among the healthy weighted records, and every record when none is healthy", () => {
    const s = new Simulation({ manifests: cells(3), seed: 6, params: quiet() });
    const sw = gateSwitch(cells(3)[0]);
    s.kernel.advanceTo(10);
    for (const g of sw.gates)
      s.traffic.putMetric(g.region, sw.namespace, sw.metricName, sw.dimensions, 0);
    s.kernel.advanceTo(200);
    assert.deepStrictEqual(s.traffic.healthyWriters(), []);
    assert.deepStrictEqual(s.traffic.writerAnswers(), [USE1, EUW1, "ap-southeast-1"]);
    const drawn = new Set(Array.from({ length: 60 }, () => s.traffic.resolveWriter()));
    assert.deepStrictEqual([...drawn].sort(), ["ap-southeast-1", EUW1, USE1], "by equal weight");
    assert.deepStrictEqual(
      s.traffic.dnsChanges.map((c) => c.region),
      ["us-east-1, eu-west-1, ap-southeast-1"],
    );
  });

  it("reads a gate alarm in an unreachable region as the unreachableAlarm parameter says", () => {
    const states = UNREACHABLE.map((unreachableAlarm) => {
      const s = new Simulation({
        manifests: cells(2),
        seed: 7,
        params: quiet({ unreachableAlarm }),
      });
      s.kernel.advanceTo(10);
      s.world.setIsolated(WITNESS, true);
      s.kernel.advanceTo(60);
      const gate = (r: string) =>
        s.traffic.cellOfRegion(r)!.gates.find((g) => g.region === WITNESS)!;
      return [unreachableAlarm, gate(USE1).healthy, gate(EUW1).healthy];
    });
    assert.deepStrictEqual(states, [
      ["healthy", true, true],
      ["unhealthy", false, false],
      ["last-known", true, false],
    ]);
  });
});

describe("writer routing under every single-region loss and partition (Route 53 model)", function () {
  this.timeout(120_000);

  for (const n of [2, 3] as const) {
    it(`${n} cells${n === 2 ? " and a witness" : ""}: the writer name answers exactly the target, never two cells`, () => {
      const cases = allCases(n);
      const seeds = Number(process.env.ROUTING_SEEDS ?? 3);
      const failures = cases
        .flatMap((c) =>
          Array.from({ length: seeds }, (_, i) => ({
            c,
            seed: i + 1,
            problem: checkMove(c, i + 1),
          })),
        )
        .filter((x) => x.problem)
        .map((x) => `${describeCase(x.c)}, seed ${x.seed}: ${x.problem}`);
      assert.deepStrictEqual(failures, []);
      // No fault or an outage or isolation of each of the 3 gate regions, each target but a
      // lost one, each parameter value: 2 cells (6 x 1 target) x 3; 3 cells (7 x 2 - 2) x 3.
      assert.strictEqual(cases.length, n === 2 ? 18 : 36);
    });
  }

  it("the old design (HTTPS AND every gate) breaks it: the checker fails on a known-bad case", () => {
    const failing = [...allCases(2), ...allCases(3)]
      .map((c) => ({ ...c, writerCheck: "https-and-all-gates" as const }))
      .filter((c) => checkMove(c) !== undefined);
    assert.ok(failing.length > 0);
    if (process.env.SHOW_OLD_DESIGN) console.log(failing.map(describeCase).join("\n"));
    // A writer region lost with its alarms read as unhealthy: the target can never have every
    // gate healthy, so Route 53 answers every record.
    const lost = failing.map(describeCase);
    assert.ok(
      lost.includes(
        "2 cells, us-east-1 outage, -> eu-west-1, unreachableAlarm unhealthy, https-and-all-gates",
      ),
      lost.join("\n"),
    );
    assert.match(
      checkMove({
        n: 2,
        fault: { kind: "outage", region: USE1 },
        to: EUW1,
        unreachableAlarm: "unhealthy",
        writerCheck: "https-and-all-gates",
      })!,
      /answers us-east-1, eu-west-1, not eu-west-1/,
    );
  });

  it("a move that puts the close and the open at once races: some seeds see two writer records healthy", () => {
    const raced = Array.from({ length: 10 }, (_, i) =>
      checkMove(
        {
          n: 2,
          fault: undefined,
          to: EUW1,
          unreachableAlarm: "last-known",
          order: "close-and-open",
        },
        i + 1,
      ),
    ).filter((p) => p !== undefined);
    assert.ok(raced.length > 0);
    assert.match(raced[0]!, /two writer records healthy at once/);
  });

  it("a move that opens before it closes is caught: two writer records healthy at once", () => {
    const problem = checkMove({
      n: 3,
      fault: undefined,
      to: EUW1,
      unreachableAlarm: "last-known",
      order: "open-then-close",
    });
    assert.match(problem ?? "", /two writer records healthy at once/);
  });
});
