import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FaultSpec } from "../emulator";
import { testManifests } from "../emulator/testing";
import { freshManifests } from "../testing/harness";
import { converged, EU, statusBlock, US, WireFixture } from "./harness";

/*
 * us-east-1 black-holed (every service accepts the connection and never answers): `status`
 * still reports within its per-read timeouts, and a failover to eu-west-1 finishes with one
 * writer without sending a single request to us-east-1, credentials included.
 */

const BLACK_HOLE_US: FaultSpec[] = [{ type: "black-hole", region: US }];

/** `status` shows us-east-1 unreachable within 15 s (exit 4); the failover sends it nothing. */
export async function statusThenFailover(): Promise<void> {
  const fx = await WireFixture.start({ faults: BLACK_HOLE_US });
  try {
    // The us-east-1 ARC endpoint is listed first: the failover must skip it.
    const common = ["--manifest", fx.manifestDir, ...fx.arcEndpoints([US, "us-west-2", EU])];
    const cwd = fx.workdir();

    const status = await fx.run(["status", ...common], { cwd, timeoutMs: 30_000 });
    // Nothing read shows a fault, but us-east-1 did not answer: "could not check", exit 4.
    assert.equal(status.code, 4, status.stderr);
    assert.match(status.stdout, /^shop: writer UNKNOWN - COULD NOT CHECK/m);
    assert.match(
      status.stdout,
      /^could not check:\n {2}- us-east-1: \d+ reads failed: did not answer within 5 s \(aurora, dynamodb shop-orders, /m,
    );
    assert.ok(status.ms < 15_000, `status took ${status.ms} ms`);
    const us = statusBlock(status.stdout, US);
    for (const line of ["aurora", "elasticache", "control"]) {
      assert.match(us, new RegExp(`^  ${line} +UNREACHABLE`, "m"), us);
    }
    // One line per replicator, named by the peer it pulls from.
    assert.match(us, new RegExp(`^  msk +from ${EU}: replicator UNREACHABLE`, "m"), us);
    assert.match(statusBlock(status.stdout, EU), /^ {2}aurora +secondary connected/m);

    const since = await fx.mark();
    const run = await fx.run(
      ["failover", "--to", EU, "--allow-data-loss", "--yes", "--json", ...common],
      { cwd, timeoutMs: 60_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).status, "succeeded");
    const record = await fx.requests(since);
    assert.deepEqual(
      record.filter((r) => r.region === US),
      [],
      "requests to the black-holed region during the failover",
    );
    assert.equal(record.filter((r) => r.operation === "FailoverGlobalCluster").length, 1);
    // The target's consumers were switched on over the wire; the failed region's were not touched.
    assert.ok(
      record.some(
        (r) => r.operation === "UpdateEventSourceMapping" && r.region === EU && r.status === 200,
      ),
    );
    assert.ok(
      Object.entries(fx.emulator.sim.consumers.states())
        .filter(([k]) => k.startsWith(`${EU}/`))
        .every(([, s]) => s === "Enabled"),
    );
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [EU] }), []);
    assert.deepEqual(fx.writerViolations(), []);
  } finally {
    await fx.close();
  }
}

/** `--profile operator`, a role profile whose region is us-east-1: AssumeRole goes to eu-west-1. */
export async function roleProfileInFailedRegion(): Promise<void> {
  const fx = await WireFixture.start({ faults: BLACK_HOLE_US });
  try {
    const cwd = fx.workdir();
    const config = path.join(cwd, "aws-config");
    const credentials = path.join(cwd, "aws-credentials");
    fs.writeFileSync(
      config,
      [
        "[profile base]",
        "region = us-east-1",
        "",
        "[profile operator]",
        "role_arn = arn:aws:iam::123456789012:role/dr-operator",
        "source_profile = base",
        "region = us-east-1",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(
      credentials,
      ["[base]", "aws_access_key_id = AKIDBASE", "aws_secret_access_key = base-secret", ""].join(
        "\n",
      ),
    );
    // Only the profile may supply credentials: no keys in the environment.
    const env = fx.env({
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    const since = await fx.mark();
    const run = await fx.run(
      [
        "failover",
        ...["--to", EU, "--allow-data-loss", "--yes", "--profile", "operator"],
        ...["--manifest", fx.manifestDir, ...fx.arcEndpoints(["us-west-2", EU])],
      ],
      { cwd, env, timeoutMs: 60_000 },
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const record = await fx.requests(since);
    assert.deepEqual(
      record.filter((r) => r.region === US),
      [],
      "requests to us-east-1 (the profile's region), AssumeRole included",
    );
    assert.ok(
      record.some((r) => r.region === EU && r.operation === "AssumeRole" && r.status === 200),
      "credentials resolved through STS in eu-west-1",
    );
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [EU] }), []);
  } finally {
    await fx.close();
  }
}

/**
 * Both cells on writer gates, the witness region (us-west-2) black-holed: a switchover still
 * closes us-east-1 and opens eu-west-1 by the majority of the two gate regions that answer, and
 * the writer name ends on eu-west-1 alone. The calls to us-west-2 are made (and abandoned at
 * their deadline), not skipped in advance: the run does not know which region is lost.
 */
export async function switchoverWithWitnessLost(): Promise<void> {
  const gates = freshManifests(Date.now());
  const manifests = testManifests().map((m) => ({
    ...m,
    traffic: { ...m.traffic, switch: gates.find((g) => g.region === m.region)!.traffic.switch },
  }));
  const witness = "us-west-2";
  const fx = await WireFixture.start({
    manifests,
    faults: [{ type: "black-hole", region: witness }],
  });
  try {
    const cwd = fx.workdir();
    const since = await fx.mark();
    const run = await fx.run(
      ["switchover", "--to", EU, "--yes", "--json", "--manifest", fx.manifestDir],
      { cwd, timeoutMs: 150_000 },
    );
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(JSON.parse(run.stdout).status, "succeeded");
    assert.deepEqual(await converged(fx, { from: US, to: EU, replicas: [US, EU] }), []);
    let dns = (await fx.state()).writerDns;
    for (let i = 0; i < 40 && dns !== EU; i++) {
      await new Promise((r) => setTimeout(r, 100));
      dns = (await fx.state()).writerDns;
    }
    assert.equal(dns, EU, "the writer name answers eu-west-1 alone");
    const toWitness = (await fx.requests(since)).filter((r) => r.region === witness);
    assert.ok(
      toWitness.some((r) => r.operation === "PutMetricData"),
      "the gates in the witness region were tried",
    );
    assert.deepEqual(fx.writerViolations(), []);
  } finally {
    await fx.close();
  }
}
