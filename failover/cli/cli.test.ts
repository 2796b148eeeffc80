import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FileJournalStore } from "../engine/journal";
import { AdapterError, Adapters, Region } from "../adapters/types";
import { colourWanted } from "./colour";
import { runCli } from "../commands/program";
import { CliFixture } from "../testing/cliHarness";
import { CrashingJournal } from "../testing/harness";

describe("failover CLI (real argument parser, fake AWS)", () => {
  let f: CliFixture;
  beforeEach(() => (f = new CliFixture()));
  afterEach(() => f.cleanup());

  describe("bad input: exit 2, a message naming the problem and the fix, no state change", () => {
    const expectBadInput = async (argv: string[], message: RegExp, fix?: RegExp) => {
      const code = await f.run(...argv);
      assert.equal(code, 2, `exit code for ${argv.join(" ")}; stderr: ${f.stderr}`);
      assert.match(f.stderr, message);
      if (fix) assert.match(f.stderr, fix);
      assert.deepEqual(f.mutatingCalls(), []);
    };

    it("unknown region", () =>
      expectBadInput(
        ["switchover", "--to", "us-east-9", "--yes"],
        /--to 'us-east-9' is not an AWS region/,
        /fix: pass one of the manifests' regions: (eu-west-1, us-east-1|us-east-1, eu-west-1)\./,
      ));

    it("--to the current writer", () =>
      expectBadInput(
        ["switchover", "--to", "us-east-1", "--yes"],
        /us-east-1 is already the writer \(per the Aurora global cluster\)/,
        /pick another --to \(eu-west-1\)/,
      ));

    it("a region missing from the manifests", () =>
      expectBadInput(
        ["switchover", "--to", "eu-central-1", "--yes"],
        /--to eu-central-1 has no DR manifest/,
        /add its manifest with --manifest/,
      ));

    it("a peer's manifest missing", async () => {
      fs.rmSync(path.join(f.dir, "manifests", "prod-euw1.json"));
      await expectBadInput(
        ["switchover", "--to", "eu-west-1", "--yes"],
        /peers\[0\]\.region: names eu-west-1 \(stack prod-euw1\) but no manifest/,
        /--manifest manifests\/prod-euw1\.json/,
      );
    });

    it("a malformed manifest (not JSON, and a schema error)", async () => {
      fs.writeFileSync(path.join(f.dir, "manifests", "prod-euw1.json"), "{ nope");
      await expectBadInput(
        ["status"],
        /manifests\/prod-euw1\.json: <file>: is not JSON/,
        /pulumi stack output --json/,
      );
      const bad = { ...f.manifests[1], region: 42 };
      fs.writeFileSync(path.join(f.dir, "manifests", "prod-euw1.json"), JSON.stringify(bad));
      await expectBadInput(
        ["switchover", "--to", "eu-west-1", "--yes"],
        /prod-euw1\.json: region:/,
      );
    });

    it("a stale manifest (too old, or written before its peers existed)", async () => {
      const old = f.manifests.map((m) => ({ ...m, generatedAt: "2026-01-01T00:00:00.000Z" }));
      f.writeManifests(old);
      await expectBadInput(
        ["switchover", "--to", "eu-west-1", "--yes"],
        /generatedAt: is 325 days old \(limit 30\)/,
        /--max-manifest-age 326/,
      );
      // The fix names the stack to export, as the operator would type it.
      assert.match(f.stderr, /'pulumi stack output --json -s prod-use1 > [^']*prod-use1\.json'/);
      f.writeManifests(f.manifests.map((m) => ({ ...m, deferred: ["Aurora secondary cluster"] })));
      await expectBadInput(
        ["plan", "switchover", "--to", "eu-west-1"],
        /deferred: lists work a second 'pulumi up' adds/,
      );
    });

    it("failover without --allow-data-loss", () =>
      expectBadInput(
        ["failover", "--to", "eu-west-1", "--yes"],
        /needs --allow-data-loss/,
        /use 'failover switchover --to <region>' \(RPO 0\)/,
      ));

    it("conflicting flags", async () => {
      await expectBadInput(
        ["switchover", "--to", "eu-west-1", "--yes", "--allow-data-loss"],
        /--allow-data-loss conflicts with 'switchover'/,
      );
      await expectBadInput(
        ["switchover", "--resume", "--abandon", "x", "--yes"],
        /option '--resume' cannot be used with option '--abandon/,
      );
      await expectBadInput(
        ["plan", "rollback", "--to", "eu-west-1"],
        /value 'rollback' is invalid for argument 'kind'\. Allowed choices are switchover, failover, failback/,
      );
      await expectBadInput(
        ["switchover", "--to", "eu-west-1", "--bogus"],
        /unknown option '--bogus'/,
      );
      await expectBadInput(
        ["switchover", "--to", "eu-west-1", "--yes", "--max-lag-seconds", "soon"],
        /--max-lag-seconds 'soon' is not a number/,
      );
    });

    it("no terminal and no --yes: a state-changing command refuses to start", () =>
      expectBadInput(["switchover", "--to", "eu-west-1"], /no terminal to ask on/, /pass --yes/));

    it("a second run while the journal shows one in progress", async () => {
      f.fake.metrics.MessageLag = 500; // the drain never finishes: the run fails part-way
      assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 1);
      const before = f.mutatingCalls().length;
      const code = await f.run("failover", "--to", "eu-west-1", "--allow-data-loss", "--yes");
      assert.equal(code, 2);
      assert.match(
        f.stderr,
        /another run switchover-\S+ \(switchover us-east-1 -> eu-west-1, started .*\) failed at step drain\.msk/,
      );
      assert.match(f.stderr, /continue it with 'failover switchover --resume'/);
      assert.equal(f.mutatingCalls().length, before);
      // Resuming with a different command or target is refused too.
      assert.equal(await f.run("failover", "--resume", "--allow-data-loss", "--yes"), 2);
      assert.match(f.stderr, /the unfinished run is a switchover, not a failover/);
      assert.equal(await f.run("switchover", "--resume", "--to", "us-east-1", "--yes"), 2);
      assert.match(f.stderr, /--to us-east-1 conflicts with the run being resumed/);
      assert.equal(f.mutatingCalls().length, before);
    });

    it("--resume with nothing to resume", () =>
      expectBadInput(["switchover", "--resume", "--yes"], /no unfinished run to resume/));

    it("ARC switch without endpoints", async () => {
      f.writeManifests(
        f.manifests.map((m) => ({
          ...m,
          traffic: {
            ...m.traffic,
            switch: {
              type: "arc-routing-control" as const,
              clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/abc",
              routingControlArn: `arn:aws:route53-recovery-control::123456789012:controlpanel/p/routingcontrol/${m.cell}`,
              healthCheckId: `hc-arc-${m.cell}`,
            },
          },
        })),
      );
      await expectBadInput(
        ["status"],
        /use ARC routing controls but no cluster endpoints were given/,
        /--arc-endpoints/,
      );
    });
  });

  it("every subcommand has --help (exit 0)", async () => {
    for (const cmd of [[], ["status"], ["plan"], ["switchover"], ["failover"], ["failback"]]) {
      assert.equal(await f.run(...cmd, "--help"), 0);
      assert.match(f.stdout, /Usage: failover/);
    }
    await f.run("failover", "--help");
    assert.match(f.stdout, /--allow-data-loss\s+required/);
  });

  it("status: exit 0 when healthy, 1 when not, --json for machines", async () => {
    assert.equal(await f.run("status"), 0, f.stderr);
    assert.match(f.stdout, /shop: writer us-east-1 - HEALTHY/);
    assert.match(f.stdout, /eu-west-1 \(prod-euw1\)\n {2}targets {6}RTO 300 s, RPO 5 s/);
    assert.match(f.stdout, /control {6}writer item us-east-1 \(epoch 1\), this region FENCED/);
    // Dead: its reads fail AND Route 53 sees its health check fail. The fault wins: exit 1.
    f.fake.dead.add("us-east-1");
    assert.equal(await f.run("status", "--json"), 1);
    const report = JSON.parse(f.stdout);
    assert.equal(report.healthy, false);
    assert.equal(report.verdict, "unhealthy");
    assert.ok(report.problems.includes("us-east-1: the cell's health check is unhealthy"));
    // The region's identical failures fold into one line naming what could not be read.
    const folded = report.unchecked.filter((l: string) => l.startsWith("us-east-1:"));
    assert.equal(folded.length, 1, report.unchecked.join("\n"));
    assert.match(folded[0], /^us-east-1: \d+ reads failed: us-east-1 did not answer \(aurora, /);
    assert.deepEqual(f.mutatingCalls(), []);
  });

  it("status: a region that does not answer but shows no fault exits 4 (could not check)", async () => {
    f.adapterFactory = () => unanswered(f.fake.adapters(), "eu-west-1", "connect ETIMEDOUT");
    assert.equal(await f.run("status"), 4, f.stderr);
    assert.match(f.stdout, /shop: writer us-east-1 - COULD NOT CHECK/);
    assert.match(
      f.stdout,
      /could not check:\n {2}- eu-west-1: \d+ reads failed: connect ETIMEDOUT \(aurora, dynamodb /,
    );
    assert.doesNotMatch(f.stdout, /problems:/);
    assert.equal(f.stdout.match(/eu-west-1: .*reads failed/g)?.length, 1);
    await f.run("status", "--help");
    assert.match(f.stdout, /4 +could not check/);
  });

  it("status: a writer mismatch exits 1 even while another region cannot be read", async () => {
    f.adapterFactory = () => {
      const a = f.fake.adapters();
      const readControl = a.dynamodb.readControl.bind(a.dynamodb);
      a.dynamodb.readControl = async (...args) => {
        const s = await readControl(...args);
        return { ...s, writer: s.writer && { ...s.writer, region: "eu-west-1" } };
      };
      return a;
    };
    assert.equal(await f.run("status"), 1, f.stderr);
    assert.match(f.stdout, /control table says eu-west-1 writes, Aurora says us-east-1/);
  });

  it("--version prints the package version and exits 0", async () => {
    const { version } = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"),
    ) as { version: string };
    assert.equal(await f.run("--version"), 0);
    assert.equal(f.stdout, `${version}\n`);
  });

  it("colour on a terminal only: ANSI codes with colour, none without", async () => {
    f.fake.dead.add("us-east-1");
    const run = async (colour: boolean) => {
      f.stdout = "";
      await runCli(["status"], { ...f.deps(), colour: { stdout: colour, stderr: colour } });
      return f.stdout;
    };
    assert.match(await run(true), /\x1b\[31mUNHEALTHY\x1b\[39m/);
    assert.doesNotMatch(await run(false), /\x1b\[/);
    // The decision: a TTY without NO_COLOR (any non-empty value turns colour off).
    assert.equal(colourWanted({ isTTY: true }, {}), true);
    assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: "1" }), false);
    assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: "" }), true);
    assert.equal(colourWanted({ isTTY: false }, {}), false);
    assert.equal(colourWanted({}, {}), false);
  });

  it("run progress markers are coloured on a terminal", async () => {
    await runCli(["switchover", "--to", "eu-west-1", "--yes"], {
      ...f.deps(),
      colour: { stdout: true, stderr: true },
    });
    assert.match(f.stdout, /\x1b\[32mok {2}\x1b\[39m/);
  });

  it("plan: steps, parallel waves and budget, without any state-changing call", async () => {
    assert.equal(await f.run("plan", "switchover", "--to", "eu-west-1", "--json"), 0, f.stderr);
    const plan = JSON.parse(f.stdout);
    assert.equal(plan.from, "us-east-1");
    assert.equal(plan.epoch, 2);
    // The source queue is drained before the fence; its consumers are disabled after it.
    assert.deepEqual(plan.waves[2], ["consumers.drain"]);
    assert.deepEqual(plan.waves[3], ["fence.source"]);
    assert.deepEqual(plan.waves[4].sort(), [
      "consumers.disable.source",
      "drain.aurora",
      "drain.dynamodb",
      "drain.msk",
      "traffic.close",
    ]);
    assert.deepEqual(plan.waves.slice(6, 9), [
      ["writer.record"],
      ["consumers.enable.target"],
      ["unfence.target"],
    ]);
    assert.equal(plan.criticalPath.seconds, 252);
    assert.ok(plan.sumOfStepsSeconds > plan.criticalPath.seconds);
    assert.deepEqual(f.mutatingCalls(), []);
    // With --from the plan needs no AWS call at all.
    const callsBefore = f.fake.calls.length;
    assert.equal(await f.run("plan", "failover", "--to", "eu-west-1", "--from", "us-east-1"), 0);
    assert.equal(f.fake.calls.length, callsBefore);
    assert.match(f.stdout, /aurora\.failover\s+CHANGES\s+eu-west-1/);
    assert.match(f.stdout, /budgeted time: \d+ s/);
  });

  it("switchover --yes: progress, summary, report files, exit 0", async () => {
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 0, f.stderr);
    assert.match(f.stdout, /\.\.\. {3}fence\.source: Fence writes in us-east-1/);
    assert.match(f.stdout, /ok {3}aurora\.switchover \(\d+\.\d s\)/);
    assert.match(f.stdout, /switchover succeeded in [\d.]+ s \(critical path [\d.]+ s: .*verify/);
    const reports = fs.readdirSync(path.join(f.dir, "reports", "failover"));
    assert.equal(reports.length, 2);
    const json = JSON.parse(
      fs.readFileSync(
        path.join(
          f.dir,
          "reports",
          "failover",
          reports.find((r) => r.endsWith(".json"))!,
        ),
        "utf8",
      ),
    );
    assert.equal(json.status, "succeeded");
    assert.equal(json.params.to, "eu-west-1");
    assert.equal(json.params.manifests, undefined);
    assert.equal(f.fake.auroraWriter, "eu-west-1");
    // Done: the journal is released and a new run may start.
    assert.equal(await f.run("switchover", "--to", "us-east-1", "--yes", "--json"), 0, f.stderr);
    assert.equal(JSON.parse(f.stdout).status, "succeeded");
  });

  it("approval gates prompt on a terminal; a typed confirmation must match", async () => {
    f.isTTY = true;
    f.fake.dead.add("us-east-1");
    f.answers = ["yes"]; // not the region name
    assert.equal(await f.run("failover", "--to", "eu-west-1", "--allow-data-loss"), 1);
    assert.match(f.prompts[0], /Type eu-west-1 to continue/);
    assert.match(f.stderr, /cancelled at step approve/);
    assert.deepEqual(f.mutatingCalls(), []);
    f.answers = ["eu-west-1"];
    assert.equal(await f.run("failover", "--to", "eu-west-1", "--allow-data-loss"), 0, f.stderr);
    assert.equal(f.fake.auroraWriter, "eu-west-1");
    assert.match(
      f.stdout,
      /us-east-1 stays fenced\. When it is back, run 'failover failback --to us-east-1'/,
    );
    assert.match(f.stdout, /RPO estimate: Aurora 0\.04 s, MSK 0 messages/);
  });

  it("a failed run exits 1 with a resumable message; --resume finishes it", async () => {
    f.fake.fail("SwitchoverGlobalCluster", "AccessDeniedException");
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 1);
    assert.match(f.stderr, /switchover us-east-1 -> eu-west-1 failed at step aurora\.switchover/);
    assert.match(f.stderr, /State: us-east-1 is fenced/);
    assert.match(f.stderr, /next: Fix the cause, then run 'failover switchover --resume'/);
    assert.equal(await f.run("switchover", "--resume", "--yes"), 0, f.stderr);
    assert.match(f.stdout, /skip {2}fence\.source: finished before the resume/);
    assert.equal(f.fake.auroraWriter, "eu-west-1");
    assert.equal(f.fake.promotions.aurora, 1);
  });

  it("a crash at any journal write: --resume finishes the run from the file journal", async () => {
    const probe = new CliFixture();
    assert.equal(await probe.run("switchover", "--to", "eu-west-1", "--yes"), 0);
    const runs = path.join(probe.dir, ".failover", "runs");
    const writes = fs
      .readFileSync(path.join(runs, fs.readdirSync(runs)[0]), "utf8")
      .trim()
      .split("\n").length;
    probe.cleanup();
    for (let crashAt = 2; crashAt < writes; crashAt += 3) {
      const g = new CliFixture();
      let crashing: CrashingJournal | undefined;
      const deps = g.deps();
      deps.journal = (dir) => (crashing = new CrashingJournal(new FileJournalStore(dir), crashAt));
      assert.equal(await runCli(["switchover", "--to", "eu-west-1", "--yes"], deps), 1);
      assert.ok(crashing?.crashed);
      assert.equal(
        await g.run("switchover", "--resume", "--yes"),
        0,
        `crash at ${crashAt}: ${g.stderr}`,
      );
      assert.equal(g.fake.auroraWriter, "eu-west-1");
      assert.equal(g.fake.promotions.aurora, 1);
      assert.deepEqual(g.fake.acceptingWrites(), ["eu-west-1"]);
      g.cleanup();
    }
  });

  it("--abandon closes the unfinished run and starts a new one", async () => {
    f.fake.metrics.ReplicationLatency = undefined; // the DynamoDB drain never sees a datapoint
    f.fake.fail("SwitchoverGlobalCluster", "InvalidDBClusterStateFault");
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 1);
    const runId = /run (switchover-\S+)/.exec(f.stdout)![1];
    assert.deepEqual(f.fake.acceptingWrites(), [], "source fenced, nothing promoted: no writer");
    assert.match(
      f.stderr,
      /'failover switchover --to us-east-1 --abandon <run id>' gives writes back/,
    );
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes", "--abandon", "nope"), 2);
    assert.match(f.stderr, new RegExp(`pass --abandon ${runId}`));
    // Give writes back to the source, which still holds the Aurora writer.
    assert.equal(
      await f.run("switchover", "--to", "us-east-1", "--yes", "--abandon", runId),
      0,
      f.stderr,
    );
    assert.match(f.stdout, /writer\.record: Record us-east-1 as the writer/);
    assert.deepEqual(f.fake.acceptingWrites(), ["us-east-1"]);
    assert.equal(f.fake.auroraWriter, "us-east-1");
    assert.equal(f.fake.writerCheckHealthy(f.manifests[0]), true);
    // An unfenced writer is not "restored": that is still bad input.
    assert.equal(await f.run("switchover", "--to", "us-east-1", "--yes"), 2);
  });

  it("a second operator is stopped by the run claim, and takes over a dead run with --abandon", async () => {
    // Operator A's run stops half-way (its claim stays active); B works from another machine.
    f.fake.fail("SwitchoverGlobalCluster", "AccessDeniedException");
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes", "--journal-dir", "a"), 1);
    const runA = /run (switchover-\S+)/.exec(f.stdout)![1];
    const before = f.fake.stateChanges().length;
    // Another machine, a minute later: its run ids differ (the fixture's randomness is fixed).
    f.clock.advance(60_000);
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes", "--journal-dir", "b"), 1);
    assert.match(
      f.stderr,
      new RegExp(
        `run ${runA} \\(switchover us-east-1 -> eu-west-1, epoch 2, active\\) holds the run claim`,
      ),
    );
    assert.match(f.stderr, new RegExp(`--abandon ${runA}`));
    assert.equal(f.fake.stateChanges().length, before, "the refused operator changed nothing");
    // B takes the run over: A's claim is taken from A alone, and B's run completes.
    assert.equal(
      await f.run(
        "switchover",
        "--to",
        "eu-west-1",
        "--yes",
        "--journal-dir",
        "b",
        "--abandon",
        runA,
      ),
      0,
      f.stderr,
    );
    assert.equal(f.fake.auroraWriter, "eu-west-1");
    assert.deepEqual(f.fake.acceptingWrites(), ["eu-west-1"]);
    // A cannot resume behind B's back: its claim is gone.
    assert.equal(await f.run("switchover", "--resume", "--yes", "--journal-dir", "a"), 1);
    assert.match(
      f.stderr,
      new RegExp(`run ${runA} cannot resume: run switchover-\\S+ .*holds the run claim`),
    );
  });

  it("the RPO estimate reads AuroraGlobalDBRPOLag where published, else the replication lag", async () => {
    f.fake.dead.add("us-east-1");
    f.fake.metrics.AuroraGlobalDBRPOLag = 1200;
    assert.equal(
      await f.run("failover", "--to", "eu-west-1", "--allow-data-loss", "--yes", "--json"),
      0,
      f.stderr,
    );
    const report = JSON.parse(f.stdout);
    assert.deepEqual(
      [report.rpoEstimate.auroraSeconds, report.rpoEstimate.auroraMetric],
      [1.2, "AuroraGlobalDBRPOLag"],
    );
    const g = new CliFixture();
    try {
      g.fake.dead.add("us-east-1");
      assert.equal(
        await g.run("failover", "--to", "eu-west-1", "--allow-data-loss", "--yes", "--json"),
        0,
      );
      assert.equal(JSON.parse(g.stdout).rpoEstimate.auroraMetric, "AuroraGlobalDBReplicationLag");
    } finally {
      g.cleanup();
    }
  });

  it("a failover waits --switch-margin-seconds between closing the old writer and opening the target", async () => {
    f.fake.dead.add("us-east-1");
    const args = ["failover", "--to", "eu-west-1", "--allow-data-loss", "--yes"];
    assert.equal(await f.run(...args, "--switch-margin-seconds", "40"), 0, f.stderr);
    // Route 53 is not asked on a failover: traffic.close holds the target back by the margin.
    const took = Number(/ok\s+traffic\.close \((\d+(?:\.\d+)?) s\)/.exec(f.stdout)![1]);
    assert.ok(took >= 40 && took <= 46, `traffic.close took ${took} s`);
    assert.equal(await f.run(...args, "--switch-margin-seconds", "-1"), 2);
    assert.match(f.stderr, /--switch-margin-seconds '-1' is not a number of seconds/);
  });

  it("a failover whose Aurora promotion already happened finishes the rest", async () => {
    f.fake.dead.add("us-east-1");
    f.fake.auroraWriter = "eu-west-1"; // promoted by hand in the console
    assert.equal(
      await f.run("failover", "--to", "eu-west-1", "--allow-data-loss", "--yes"),
      0,
      f.stderr,
    );
    assert.match(f.stdout, /ok= {2}aurora\.failover/);
    assert.equal(f.fake.promotions.aurora, 0);
    assert.deepEqual(f.fake.acceptingWrites(), ["eu-west-1"]);
  });

  it("a fresh deployment (no writer recorded, every gate closed): the first switchover opens home", async () => {
    for (const items of f.fake.control.values()) items.clear();
    for (const key of f.fake.gates.keys()) f.fake.gates.delete(key); // never published
    assert.equal(f.fake.writerCheckHealthy(f.manifests[0]), false);
    assert.equal(await f.run("status"), 1);
    assert.match(f.stdout, /nowhere to go.*'failover switchover --to us-east-1'/);
    assert.equal(await f.run("switchover", "--to", "us-east-1", "--yes"), 0, f.stderr);
    assert.equal(f.fake.writerCheckHealthy(f.manifests[0]), true);
    assert.equal(f.fake.writerCheckHealthy(f.manifests[1]), false);
    assert.deepEqual(f.fake.acceptingWrites(), ["us-east-1"]);
    assert.equal(f.fake.promotions.aurora, 0, "nothing to promote: the home cell already writes");
    assert.equal(await f.run("status"), 0, f.stdout);
  });

  it("restore after an abandoned switchover whose promotion went through closes the old gate", async () => {
    f.fake.metrics.MessageLag = 500; // drain.msk never finishes, Aurora switches anyway
    assert.equal(await f.run("switchover", "--to", "eu-west-1", "--yes"), 1);
    const runId = /run (switchover-\S+)/.exec(f.stdout)![1];
    assert.equal(f.fake.auroraWriter, "eu-west-1");
    assert.match(f.stderr, /failed at step drain\.msk/);
    assert.deepEqual(f.fake.acceptingWrites(), []);
    assert.equal(
      await f.run("switchover", "--to", "eu-west-1", "--yes", "--abandon", runId),
      0,
      f.stderr,
    );
    assert.deepEqual(f.fake.acceptingWrites(), ["eu-west-1"]);
    assert.equal(f.fake.writerCheckHealthy(f.manifests[0]), false, "us-east-1's gate closed");
    assert.equal(f.fake.writerCheckHealthy(f.manifests[1]), true);
    assert.equal(await f.run("status"), 0, f.stdout);
  });

  it("failback defaults to the home region", async () => {
    f.fake.dead.add("us-east-1");
    assert.equal(
      await f.run("failover", "--to", "eu-west-1", "--allow-data-loss", "--yes"),
      0,
      f.stderr,
    );
    f.fake.dead.delete("us-east-1");
    for (const [pk, item] of f.fake.control.get("eu-west-1")!)
      f.fake.control.get("us-east-1")!.set(pk, { ...item });
    assert.equal(await f.run("failback", "--yes"), 0, f.stderr);
    assert.equal(f.fake.auroraWriter, "us-east-1");
    assert.equal(await f.run("failback", "--yes"), 2);
    assert.match(f.stderr, /us-east-1 is already the writer/);
  });
});

/** Every call to `region` fails as a network timeout; global calls (Route 53) still answer. */
function unanswered(adapters: Adapters, region: Region, message: string): Adapters {
  const out: Record<string, unknown> = {};
  for (const [service, impl] of Object.entries(adapters) as [string, object][]) {
    out[service] = new Proxy(impl, {
      get(target, op, receiver) {
        const fn = Reflect.get(target, op, receiver) as unknown;
        if (typeof fn !== "function") return fn;
        return async (...args: unknown[]) => {
          if (args[0] === region) {
            throw new AdapterError(
              "transient",
              service,
              String(op),
              region,
              message,
              "TimeoutError",
            );
          }
          return (fn as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
  return out as unknown as Adapters;
}
