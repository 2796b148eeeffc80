import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SAMPLE_REGIONS, sampleManifest } from "../../manifest/sample";
import { CliDeps } from "../cli/deps";
import { runCli } from "../commands/program";
import { seededRandom } from "../engine/clock";
import { defaultTarget, runDrill } from "./harness";
import { drillSummary, renderMarkdown, renderSvg } from "./report";
import { renderPng } from "./picture";

const pair = () => [sampleManifest("us-east-1"), sampleManifest("eu-west-1")];

/** Three cells (us-east-1 home, eu-west-1, ap-southeast-1): gates in the cell regions only. */
const trio = () => SAMPLE_REGIONS.map((r) => sampleManifest(r, SAMPLE_REGIONS));

describe("drill harness (real engine and runbooks on the simulator)", function () {
  this.timeout(60_000);

  it("region outage: fails over without calling the failed region, within the targets", async () => {
    const r = await runDrill({ manifests: pair(), scenario: "region-outage", seed: 1 });
    assert.strictEqual(r.run.status, "succeeded");
    assert.deepStrictEqual(r.invariants, {
      singleWriter: true,
      oneWriterRecord: true,
      oneConsumerRegion: null,
      noLostWritesOnSwitchover: null,
      converged: true,
    });
    assert.ok(r.rtoSeconds !== null && r.rtoSeconds <= r.rtoTargetSeconds, `RTO ${r.rtoSeconds}`);
    // Detection (3 x 10 s) plus a promotion of at least 40 s bound the RTO from below.
    assert.ok(r.rtoSeconds! >= 20 + 40, `RTO ${r.rtoSeconds}`);
    assert.strictEqual(
      r.calls.toFailedRegion,
      0,
      "data plane only: nothing goes to the failed region",
    );
    assert.ok(r.criticalPathSeconds! <= r.rtoSeconds!, "the bound is a lower bound");
    for (const s of r.stores)
      assert.ok(s.rpoSeconds <= s.rpoTargetSeconds, `${s.store} RPO ${s.rpoSeconds}`);
  });

  it("switchover: RPO 0 on every store and one writer throughout", async () => {
    const r = await runDrill({ manifests: pair(), scenario: "switchover", seed: 2 });
    assert.deepStrictEqual(r.invariants, {
      singleWriter: true,
      oneWriterRecord: true,
      oneConsumerRegion: true,
      noLostWritesOnSwitchover: true,
      converged: true,
    });
    assert.deepStrictEqual(
      r.stores.map((s) => s.lostWrites),
      r.stores.map(() => 0),
    );
    assert.ok(r.stores.every((s) => s.ackedWrites > 100));
    const history = r.timeline.filter((e) => e.kind === "writers").map((e) => e.text);
    assert.deepStrictEqual(history, [
      "accepting writes: us-east-1",
      "accepting writes: none",
      "accepting writes: eu-west-1",
    ]);
  });

  it("partition: the isolated old writer stops by its lease before the new writer starts", async () => {
    const r = await runDrill({ manifests: pair(), scenario: "partition", seed: 3 });
    assert.deepStrictEqual(r.invariants, {
      singleWriter: true,
      oneWriterRecord: true,
      oneConsumerRegion: null,
      noLostWritesOnSwitchover: null,
      converged: true,
    });
    const history = r.timeline.filter((e) => e.kind === "writers");
    assert.deepStrictEqual(
      history.map((e) => e.text),
      ["accepting writes: us-east-1", "accepting writes: none", "accepting writes: eu-west-1"],
    );
  });

  it("partition without the writer lease: the monitor catches two writers (the check can fail)", async () => {
    const r = await runDrill({
      manifests: pair(),
      scenario: "partition",
      seed: 3,
      params: { app: { leaseSeconds: 1e9 } },
    });
    assert.strictEqual(r.invariants.singleWriter, false);
    assert.deepStrictEqual(r.writerViolations[0].regions, ["us-east-1", "eu-west-1"]);
  });

  it("brownout: retries through failing and hanging calls and still switches over with RPO 0", async () => {
    const r = await runDrill({ manifests: pair(), scenario: "brownout", seed: 4 });
    assert.deepStrictEqual(r.invariants, {
      singleWriter: true,
      oneWriterRecord: true,
      oneConsumerRegion: true,
      noLostWritesOnSwitchover: true,
      converged: true,
    });
    assert.ok(
      r.steps.some((s) => s.attempts > 1),
      "some step needed a retry",
    );
  });

  it("replays the same run, to the event, from the same seed", async () => {
    const a = await runDrill({ manifests: pair(), scenario: "brownout", seed: 11, crashes: [9] });
    const b = await runDrill({ manifests: pair(), scenario: "brownout", seed: 11, crashes: [9] });
    assert.deepStrictEqual(a, b);
    const c = await runDrill({ manifests: pair(), scenario: "brownout", seed: 12, crashes: [9] });
    assert.notDeepStrictEqual(a.timeline, c.timeline);
  });

  it("resumes after an operator crash at every journal write and still converges", async () => {
    const clean = await runDrill({ manifests: pair(), scenario: "switchover", seed: 5 });
    const writes = clean.steps.length * 2 + 2;
    for (let crashAt = 1; crashAt <= writes; crashAt++) {
      const r = await runDrill({
        manifests: pair(),
        scenario: "switchover",
        seed: 5,
        crashes: [crashAt],
      });
      const why = `crash at journal write ${crashAt}: ${JSON.stringify(r.run)}`;
      assert.strictEqual(r.run.crashes, 1, why);
      assert.deepStrictEqual(
        r.invariants,
        {
          singleWriter: true,
          oneWriterRecord: true,
          oneConsumerRegion: true,
          noLostWritesOnSwitchover: true,
          converged: true,
        },
        why,
      );
    }
  });

  it("runs N regions from N manifests (a third cell), to each target", async () => {
    for (const to of ["eu-west-1", "ap-southeast-1"]) {
      const r = await runDrill({ manifests: trio(), scenario: "region-outage", seed: 6, to });
      assert.strictEqual(r.to, to);
      assert.ok(r.rtoSeconds !== null, `${to}: ${JSON.stringify(r.run.failures)}`);
      assert.deepStrictEqual(r.invariants, {
        singleWriter: true,
        oneWriterRecord: true,
        oneConsumerRegion: null,
        noLostWritesOnSwitchover: null,
        converged: true,
      });
    }
  });

  it("defaults the target to the writer's first peer, whatever the order of the manifest files", async () => {
    const [use1, euw1, apse1] = trio();
    use1.peers = [
      { stack: apse1.stack, region: apse1.region },
      { stack: euw1.stack, region: euw1.region },
    ];
    assert.strictEqual(defaultTarget([use1, euw1, apse1], "us-east-1"), "ap-southeast-1");
    assert.strictEqual(defaultTarget([euw1, apse1, use1], "us-east-1"), "ap-southeast-1");
    // A peer without a manifest in the drill is skipped.
    assert.strictEqual(defaultTarget([use1, euw1], "us-east-1"), "eu-west-1");
    const r = await runDrill({ manifests: [euw1, use1, apse1], scenario: "switchover", seed: 2 });
    assert.strictEqual(r.to, "ap-southeast-1");
  });

  it("refuses manifests whose cell has no writer record yet, naming the stack and the fix", async () => {
    const [use1, euw1] = pair();
    euw1.traffic.writerRecord = null;
    await assert.rejects(
      runDrill({ manifests: [use1, euw1], scenario: "switchover", seed: 1 }),
      /prod-euw1: traffic\.writerRecord is null .*run 'pulumi up' on that stack once every peer has deployed/,
    );
  });

  it("drives ARC routing controls through the data plane when the cells use them", async () => {
    const manifests = pair().map((m) => ({
      ...m,
      traffic: {
        ...m.traffic,
        switch: {
          type: "arc-routing-control" as const,
          clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/drill",
          routingControlArn: `arn:aws:route53-recovery-control::123456789012:controlpanel/p/routingcontrol/${m.cell}`,
          healthCheckId: `hc-arc-${m.cell}`,
        },
      },
    }));
    const r = await runDrill({ manifests, scenario: "region-outage", seed: 8 });
    assert.deepStrictEqual(r.invariants, {
      singleWriter: true,
      oneWriterRecord: true,
      oneConsumerRegion: null,
      noLostWritesOnSwitchover: null,
      converged: true,
    });
    assert.ok(r.calls.byService["route53-recovery-cluster:UpdateRoutingControlStates"] >= 1);
    assert.strictEqual(r.calls.toFailedRegion, 0);
  });

  it("reports: the --json shape, Markdown tables and an SVG with a bar per step and the RTO", async () => {
    const r = await runDrill({ manifests: pair(), scenario: "region-outage", seed: 1 });
    const s = drillSummary(r);
    assert.deepStrictEqual(Object.keys(s), [
      "scenario",
      "seed",
      "rtoSeconds",
      "rtoTargetSeconds",
      "criticalPathSeconds",
      "stores",
      "steps",
      "invariants",
    ]);
    assert.deepStrictEqual(Object.keys(s.stores[0]), ["store", "rpoSeconds", "lostWrites"]);
    assert.deepStrictEqual(Object.keys(s.steps[0]), ["name", "startSeconds", "endSeconds"]);
    assert.ok(
      s.steps.every((x) => x.startSeconds > 0),
      "step times count from the fault",
    );
    const svg = renderSvg(r);
    assert.strictEqual(
      (svg.match(/<title>[^<]*: [-\d.]+-[-\d.?]+ s, /g) ?? []).length,
      r.steps.length,
    );
    assert.match(svg, new RegExp(`RTO ${r.rtoSeconds!.toFixed(1)} s`));
    assert.match(svg, /us-east-1 down/);
    const md = renderMarkdown(r);
    assert.match(md, /\| aurora \| 0 \| 0 \|/);
    assert.match(md, /!\[timeline\]\(timeline\.png\)/);
  });

  it("the timeline picture: a lane per region, labelled faults and DNS answers, the RTO target, PASS or FAIL", async () => {
    const manifests = trio();
    const pass = await runDrill({ manifests, scenario: "region-outage", seed: 1 });
    const svg = renderSvg(pass);
    // A lane label and a legend entry per region, in the region's own colour.
    for (const region of pass.regions) {
      const fill = new RegExp(`fill="(#[0-9a-f]{6})">${region}</text>`).exec(svg);
      assert.ok(fill, `lane for ${region}`);
      assert.match(
        svg,
        new RegExp(`<rect x="[\\d.]+" y="[\\d.]+" width="16" height="12" fill="${fill[1]}"/>`),
      );
    }
    assert.match(svg, />us-east-1 down: from 0\.0 s on</, "the fault labelled on the picture");
    assert.match(svg, /s: answers eu-west-1</, "the DNS change names the region it answers");
    assert.match(svg, />RTO target 300 s</);
    assert.match(svg, />PASS</);
    assert.doesNotMatch(svg, />FAIL/);
    const png = renderPng(svg);
    assert.deepStrictEqual([...png.subarray(1, 4)], [...Buffer.from("PNG")]);

    const tight = manifests.map((m) => ({ ...m, targets: { ...m.targets, rtoSeconds: 60 } }));
    const fail = renderSvg(
      await runDrill({ manifests: tight, scenario: "region-outage", seed: 1 }),
    );
    assert.match(fail, />FAIL</);
    assert.match(fail, /FAIL: RTO [\d.]+ s is over the 60 s target/);
    assert.match(fail, /— over target</);
  });

  it("the failed region returns during the failover: it takes no write, and the run converges", async () => {
    // The outage heals 45, 90 or 150 s after it began; at 90 s the promotion is still running.
    for (const healAt of [45, 90, 150]) {
      const r = await runDrill({
        manifests: pair(),
        scenario: "region-outage",
        seed: 1,
        scenarioUntil: 60 + healAt,
      });
      const why = `healed at ${healAt} s: ${JSON.stringify(r.run)}`;
      if (healAt === 90)
        assert.ok(r.commandStartSeconds! < 150 && r.commandEndSeconds! > 150, "healed mid-run");
      assert.deepStrictEqual(
        r.invariants,
        {
          singleWriter: true,
          oneWriterRecord: true,
          oneConsumerRegion: null,
          noLostWritesOnSwitchover: null,
          converged: true,
        },
        why,
      );
      const writers = r.timeline.filter((e) => e.kind === "writers" && e.at >= r.referenceSeconds);
      assert.deepStrictEqual(
        writers.map((e) => e.text),
        ["accepting writes: none", "accepting writes: eu-west-1"],
        `us-east-1 never accepts a write again (${why})`,
      );
      assert.match(r.faults[0].text, new RegExp(`us-east-1 down until ${healAt} s`));
    }
  });
});

describe("failover drill (CLI)", function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));
    fs.mkdirSync(path.join(dir, "manifests"));
    for (const m of pair())
      fs.writeFileSync(
        path.join(dir, "manifests", `${m.stack}.json`),
        JSON.stringify({ drManifest: m }),
      );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[], opts: { isTTY?: boolean } = {}) {
    let stdout = "";
    let stderr = "";
    const deps: CliDeps = {
      adapters: () => {
        throw new Error("a simulated drill must not build AWS adapters");
      },
      clock: { now: () => Date.parse("2026-11-22T03:00:00Z"), sleep: () => Promise.resolve() },
      random: seededRandom(1),
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: (t) => void (stderr += t) },
      isTTY: opts.isTTY ?? false,
      prompt: () => Promise.resolve("no"),
      cwd: dir,
      env: {},
    };
    const code = await runCli(args, deps);
    return { code, stdout, stderr };
  }

  it("runs a simulated scenario from manifest files and prints the JSON summary", async () => {
    const r = await cli([
      "drill",
      "--simulate",
      "--scenario",
      "switchover",
      "--seed",
      "7",
      "--json",
    ]);
    assert.strictEqual(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.strictEqual(s.scenario, "switchover");
    assert.strictEqual(s.seed, 7);
    assert.deepStrictEqual(s.invariants, {
      singleWriter: true,
      oneWriterRecord: true,
      oneConsumerRegion: true,
      noLostWritesOnSwitchover: true,
      converged: true,
    });
    for (const f of ["drill.json", "drill.md", "timeline.svg", "timeline.png"])
      assert.ok(fs.existsSync(path.join(dir, "reports/drill", f)), f);
  });

  it("prints a timeline and RTO/RPO per store for humans, and replays by seed", async () => {
    const a = await cli([
      "drill",
      "--simulate",
      "--scenario",
      "region-outage",
      "--seed",
      "3",
      "--report",
      "out",
    ]);
    const b = await cli([
      "drill",
      "--simulate",
      "--scenario",
      "region-outage",
      "--seed",
      "3",
      "--report",
      "out",
    ]);
    assert.strictEqual(a.code, 0, a.stderr);
    assert.match(a.stdout, /RTO [\d.]+ s {3}target 300 s/);
    assert.match(a.stdout, /dynamodb:shop-orders/);
    assert.match(a.stdout, /PASS/);
    assert.strictEqual(a.stdout, b.stdout);
  });

  it("exits 1 with the replay command when a drill misses its targets", async () => {
    const m = pair().map((x) => ({ ...x, targets: { ...x.targets, rtoSeconds: 10 } }));
    for (const x of m)
      fs.writeFileSync(path.join(dir, "manifests", `${x.stack}.json`), JSON.stringify(x));
    const r = await cli(["drill", "--simulate", "--scenario", "region-outage"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /over the 10 s target/);
    assert.match(r.stderr, /failover drill --simulate --scenario region-outage --seed 1/);
  });

  it("refuses bad input with exit 2 and a fix", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["drill", "--simulate", "--scenario", "meteor"],
        /Allowed choices are switchover, region-outage, partition, brownout/,
      ],
      [["drill", "--simulate", "--to", "eu-central-1"], /--to eu-central-1 has no DR manifest/],
      [["drill", "--simulate", "--to", "us-east-1"], /--to us-east-1 is the region that writes/],
      [["drill", "--simulate", "--seed", "x"], /--seed 'x' is not a whole number/],
      [["drill", "--scenario", "region-outage", "--yes"], /only the simulator can do/],
      [["drill", "--scenario", "switchover"], /no terminal to approve/],
      [
        ["drill", "--simulate", "--offline", "--manifest", "manifests"],
        /--offline and --manifest conflict/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr + r.stdout, message, args.join(" "));
    }
  });

  it("validates a faults file and names the bad entry", async () => {
    fs.writeFileSync(
      path.join(dir, "faults.json"),
      JSON.stringify([{ type: "brownout", region: "us-east-1", at: 10, failRate: 2, hangRate: 0 }]),
    );
    const r = await cli(["drill", "--simulate", "--faults", "faults.json"]);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /\[0\]\.failRate/);
  });

  it("injects scheduled faults from a file", async () => {
    fs.writeFileSync(
      path.join(dir, "faults.json"),
      JSON.stringify([{ type: "throttling", region: "eu-west-1", at: 0, until: 120, rate: 0.5 }]),
    );
    const r = await cli([
      "drill",
      "--simulate",
      "--scenario",
      "switchover",
      "--faults",
      "faults.json",
      "--json",
    ]);
    // Throttling slows the run; whether it still meets the RTO target depends on the seed.
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.strictEqual(JSON.parse(r.stdout).invariants.singleWriter, true);
    const detail = JSON.parse(
      fs.readFileSync(path.join(dir, "reports/drill/drill.json"), "utf8"),
    ).detail;
    assert.deepStrictEqual(
      detail.faults.map((f: { text: string }) => f.text),
      // The file's times and the report's count from the same zero (here the command).
      ["eu-west-1 throttles 50% of calls until 120 s"],
    );
  });
  it("replays a failing drill exactly from the printed command, whatever happens to the faults file", async () => {
    const tight = pair().map((x) => ({ ...x, targets: { ...x.targets, rtoSeconds: 100 } }));
    for (const x of tight)
      fs.writeFileSync(path.join(dir, "manifests", `${x.stack}.json`), JSON.stringify(x));
    fs.writeFileSync(
      path.join(dir, "faults.json"),
      JSON.stringify([
        { type: "throttling", region: "eu-west-1", at: 5, until: 80.5, rate: 0.3 },
        { type: "slow", region: "eu-west-1", at: 0.1, until: 30, factor: 1.5 },
      ]),
    );
    const args = [
      "drill",
      "--simulate",
      "--scenario",
      "partition",
      "--seed",
      "5",
      "--faults",
      "faults.json",
      "--random-faults",
      "1",
      "--crash-at",
      "7",
      "--reaction-seconds",
      "10",
      "--heal-at",
      "100",
      "--report",
      "out",
    ];
    const a = await cli(args);
    assert.strictEqual(a.code, 1, a.stderr);
    const replay = /replay it with '([^']+)'/.exec(a.stderr)?.[1];
    assert.ok(replay, a.stderr);
    assert.match(a.stdout, new RegExp(`Replay: ${replay.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.strictEqual(
      replay,
      "failover drill --simulate --scenario partition --seed 5 --to eu-west-1 --faults out/faults.json --random-faults 1 --crash-at 7 --reaction-seconds 10 --heal-at 100 --report out",
    );
    const first = fs.readFileSync(path.join(dir, "out", "drill.json"), "utf8");
    // The original file changes after the run: the replay reads the report's copy.
    fs.writeFileSync(path.join(dir, "faults.json"), "[]");
    const words = replay.split(" ");
    assert.deepStrictEqual(words.slice(0, 2), ["failover", "drill"]);
    const b = await cli(words.slice(1));
    assert.strictEqual(b.code, 1, b.stderr);
    assert.strictEqual(b.stdout, a.stdout, "same timeline, RTO, RPO and verdict on the terminal");
    assert.strictEqual(b.stderr, a.stderr);
    assert.strictEqual(fs.readFileSync(path.join(dir, "out", "drill.json"), "utf8"), first);
    const detail = JSON.parse(first).detail;
    assert.strictEqual(detail.run.crashes, 1);
    assert.deepStrictEqual(detail.faults.map((f: { text: string }) => f.text).slice(0, 3), [
      "us-east-1 isolated from peers and the Internet until 100 s",
      "eu-west-1 throttles 30% of calls until 80.5 s",
      "eu-west-1 1.5x slower until 30 s",
    ]);
  });

  it("refuses faults that cannot happen with exit 2, naming the entry, the key and the fix", async () => {
    const r = (fault: object) => ({ region: "eu-west-1", at: 0, ...fault });
    const cases: [object, RegExp][] = [
      [
        r({ type: "region-outage", at: 50, until: 20 }),
        /\[0\]\.until: is 20 s, not after at \(50 s\).*set until above 50/,
      ],
      [
        { type: "partition", regions: ["eu-west-1", "eu-west-1"], at: 0 },
        /\[0\]\.regions: names eu-west-1 twice.*use type "isolation"/,
      ],
      [r({ type: "slow", factor: 0 }), /\[0\]\.factor: is 0: .*above 1/],
      [r({ type: "slow", factor: -2 }), /\[0\]\.factor: is -2: /],
      [r({ type: "slow", factor: 1 }), /\[0\]\.factor: is 1: .*1 changes nothing/],
      [r({ type: "slow", factor: 1e6 }), /\[0\]\.factor: is 1000000: .*at most 100/],
      [r({ type: "throttling", rate: 0 }), /\[0\]\.rate: is 0, which injects nothing/],
      [r({ type: "throttling", rate: -0.5 }), /\[0\]\.rate: must be a fraction between 0 and 1/],
      [r({ type: "internal-failure", rate: 7 }), /\[0\]\.rate: must be a fraction between 0 and 1/],
      [
        r({ type: "brownout", failRate: 0.8, hangRate: 0.5 }),
        /\[0\]\.failRate: plus hangRate is 1\.3/,
      ],
      [
        r({ type: "brownout", failRate: 0, hangRate: 0 }),
        /\[0\]\.failRate: and hangRate are both 0/,
      ],
      [r({ type: "region-outage", at: 1e6 }), /\[0\]\.at: must be at most 14400 s/],
      [r({ type: "isolation", at: -1 }), /\[0\]\.at: must be seconds from the drill's time zero/],
      [
        r({ type: "isolation", region: "eu-central-1" }),
        /\[0\]\.region: names eu-central-1, which has no manifest in this drill; use one of [a-z0-9, -]*us-east-1/,
      ],
    ];
    for (const [fault, message] of cases) {
      fs.writeFileSync(path.join(dir, "faults.json"), JSON.stringify([fault]));
      const res = await cli(["drill", "--simulate", "--faults", "faults.json"]);
      assert.strictEqual(res.code, 2, `${JSON.stringify(fault)}: ${res.stderr}`);
      assert.match(res.stderr, message, JSON.stringify(fault));
      assert.match(res.stderr, /docs\/drill-replay\.md/);
    }
    // Every problem at once, not the first only.
    fs.writeFileSync(
      path.join(dir, "faults.json"),
      JSON.stringify([
        r({ type: "slow", factor: 0 }),
        r({ type: "region-outage", at: 9, until: 9 }),
      ]),
    );
    const both = await cli(["drill", "--simulate", "--faults", "faults.json"]);
    assert.match(both.stderr, /\[0\]\.factor.*\n.*\[1\]\.until/s);
  });

  it("refuses --heal-at without a fault to heal, or outside the drill", async () => {
    const cases: [string[], RegExp][] = [
      [["--scenario", "switchover", "--heal-at", "30"], /a switchover has none/],
      [["--heal-at", "0"], /--heal-at '0' is not a time in the drill/],
      [["--heal-at", "1e9"], /--heal-at '1e9' is not a time in the drill/],
    ];
    for (const [args, message] of cases) {
      const res = await cli(["drill", "--simulate", ...args]);
      assert.strictEqual(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
      assert.match(res.stderr, message);
    }
  });
});
