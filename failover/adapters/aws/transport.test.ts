import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import * as net from "net";
import { AdapterError } from "../types";
import { isTransientAwsError } from "./errors";
import { awsArc } from "./arc";
import { CALL_ATTEMPTS, destroyAwsClients } from "./client";
import { awsSts } from "./sts";

/*
 * The adapters at the socket layer, with real SDK clients and real loopback listeners: a dead
 * region's endpoint that accepts and never answers, one that resets, one that refuses. Every
 * call must end within its deadline and free its socket, and ARC must move on to the next
 * endpoint on any of them.
 */

interface Listener {
  url: string;
  /** Sockets the far end has seen closed. */
  closed: number;
  accepted: number;
  close(): Promise<void>;
}

async function listen(onSocket: (s: net.Socket, l: Listener) => void): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const l: Listener = { url: "", closed: 0, accepted: 0, close: async () => undefined };
  const server = net.createServer((s) => {
    l.accepted++;
    sockets.add(s);
    s.on("close", () => {
      l.closed++;
      sockets.delete(s);
    });
    s.on("error", () => undefined);
    onSocket(s, l);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  l.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  l.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return l;
}

/** Accepts, reads, never answers, never closes. */
const blackHole = () => listen((s) => s.on("data", () => undefined));
/** Reads the request, then resets the connection. */
const resetter = () => listen((s) => s.once("data", () => s.resetAndDestroy()));

async function closedPortUrl(): Promise<string> {
  const l = await listen(() => undefined);
  const url = l.url;
  await l.close();
  return url;
}

describe("AWS adapters at the socket layer (loopback listeners)", function () {
  this.timeout(20_000);
  const saved = { ...process.env };
  const cleanups: (() => Promise<void>)[] = [];

  before(() => {
    process.env.AWS_ACCESS_KEY_ID = "AKIDLOCAL";
    process.env.AWS_SECRET_ACCESS_KEY = "local";
    delete process.env.AWS_PROFILE;
  });
  afterEach(async () => {
    destroyAwsClients();
    for (const c of cleanups.splice(0)) await c();
    delete process.env.AWS_ENDPOINT_URL_STS;
  });
  after(() => {
    for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("a call to an endpoint that never answers ends at its deadline and closes its socket", async () => {
    const hole = await blackHole();
    cleanups.push(hole.close);
    process.env.AWS_ENDPOINT_URL_STS = hole.url;
    const started = Date.now();
    await assert.rejects(
      awsSts({ requestTimeoutMs: 400 }).callerIdentity("us-east-1"),
      (e: unknown) => {
        assert.ok(e instanceof AdapterError);
        assert.equal(e.kind, "transient");
        assert.equal(e.awsName, "TimeoutError");
        assert.match(e.message, /STS GetCallerIdentity in us-east-1 did not answer within/);
        return true;
      },
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2_000, `took ${elapsed} ms`);
    assert.equal(hole.accepted, 1);
    // The far end sees the connection go: nothing is left to keep the process alive.
    for (let i = 0; i < 50 && hole.closed < 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(hole.closed, 1);
  });

  it("a role profile assumes its role in the calling client's region, and a hung STS costs one deadline", async () => {
    // STS black-holed: the role cannot be assumed. The profile names us-east-1; the client is in
    // eu-west-1. Without a deadline on credential resolution the call would never start or end.
    const sts = await listen((s, l) =>
      s.on("data", (d: Buffer) => {
        const scope = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/sts\//.exec(d.toString());
        if (scope) (l as Listener & { scopes?: string[] }).scopes = [scope[1]];
      }),
    );
    cleanups.push(sts.close);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "role-profile-"));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, "config");
    fs.writeFileSync(
      config,
      [
        "[profile base]",
        "aws_access_key_id = AKIDBASE",
        "aws_secret_access_key = base",
        "[profile operator]",
        "role_arn = arn:aws:iam::123456789012:role/dr-operator",
        "source_profile = base",
        "region = us-east-1",
        "",
      ].join("\n"),
    );
    const env = {
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none"),
      AWS_ENDPOINT_URL_STS: sts.url,
    };
    const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    cleanups.push(async () => {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    const started = Date.now();
    await assert.rejects(
      awsSts({ profile: "operator", requestTimeoutMs: 400 }).callerIdentity("eu-west-1"),
      (e: unknown) => e instanceof AdapterError && e.kind === "transient",
    );
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    // The AssumeRole request was signed for eu-west-1, never for the profile's us-east-1.
    assert.deepEqual((sts as Listener & { scopes?: string[] }).scopes, ["eu-west-1"]);
  });

  it("a credential source that hangs (credential_process) costs one deadline, not the outage", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hung-creds-"));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, "config");
    fs.writeFileSync(config, "[profile hung]\ncredential_process = sleep 3\n");
    const before = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = config;
    cleanups.push(async () => {
      if (before === undefined) delete process.env.AWS_CONFIG_FILE;
      else process.env.AWS_CONFIG_FILE = before;
    });
    const started = Date.now();
    await assert.rejects(
      awsSts({ profile: "hung", requestTimeoutMs: 400 }).callerIdentity("eu-west-1"),
      (e: unknown) => {
        assert.ok(e instanceof AdapterError && e.kind === "transient", String(e));
        return true;
      },
    );
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
  });

  it("socket-level failures are transient: reset, refused, unreachable, aborted, TLS", () => {
    for (const code of [
      "ECONNRESET",
      "ECONNREFUSED",
      "EHOSTUNREACH",
      "ENETUNREACH",
      "ECONNABORTED",
      "EPROTO",
      "ERR_SSL_WRONG_VERSION_NUMBER",
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    ]) {
      assert.ok(isTransientAwsError(Object.assign(new Error("x"), { code })), code);
      // The SDK sometimes wraps the socket error.
      assert.ok(
        isTransientAwsError(
          new Error("wrapped", { cause: Object.assign(new Error("y"), { code }) }),
        ),
      );
    }
    assert.ok(
      !isTransientAwsError(Object.assign(new Error("x"), { name: "AccessDeniedException" })),
    );
  });

  it("ARC moves on past endpoints that reset, refuse or never answer, to one that works", async () => {
    const reset = await resetter();
    const hole = await blackHole();
    cleanups.push(reset.close, hole.close);
    let answered = 0;
    const good = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        answered++;
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ RoutingControlArn: "arn:rc", RoutingControlState: "On" }));
      });
    });
    await new Promise<void>((r) => good.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => good.close(() => r())));
    const goodUrl = `http://127.0.0.1:${(good.address() as net.AddressInfo).port}`;
    const endpoints = [
      { region: "us-east-1", url: reset.url },
      { region: "us-west-2", url: await closedPortUrl() },
      { region: "ap-southeast-2", url: hole.url },
      { region: "eu-west-1", url: goodUrl },
    ];
    // random() = 0: start with the first endpoint, so every bad one is tried before the good.
    const arc = awsArc(endpoints, { requestTimeoutMs: 400 }, () => 0);
    const started = Date.now();
    assert.equal(await arc.getRoutingControlState("arn:rc"), "On");
    assert.equal(answered, 1);
    assert.equal(
      reset.accepted,
      CALL_ATTEMPTS,
      "a reset is retried within the call, then the next endpoint",
    );
    assert.equal(hole.accepted, 1);
    assert.ok(Date.now() - started < 3_000);
  });

  it("ARC reports every endpoint failing as transient, and stops at once on a refusal", async () => {
    const reset = await resetter();
    cleanups.push(reset.close);
    const arc = awsArc(
      [
        { region: "us-east-1", url: reset.url },
        { region: "us-west-2", url: await closedPortUrl() },
      ],
      { requestTimeoutMs: 400 },
      () => 0,
    );
    await assert.rejects(arc.getRoutingControlState("arn:rc"), (e: unknown) => {
      assert.ok(e instanceof AdapterError);
      assert.equal(e.kind, "transient");
      assert.match(e.message, /every ARC endpoint failed \(us-east-1, us-west-2\)/);
      return true;
    });
    const denied = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(403, {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-errortype": "AccessDeniedException",
        });
        res.end(JSON.stringify({ __type: "AccessDeniedException", message: "no" }));
      });
    });
    await new Promise<void>((r) => denied.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => denied.close(() => r())));
    const url = `http://127.0.0.1:${(denied.address() as net.AddressInfo).port}`;
    let second = 0;
    const counting = http.createServer((req, res) => {
      second++;
      res.end();
    });
    await new Promise<void>((r) => counting.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => counting.close(() => r())));
    const arc2 = awsArc(
      [
        { region: "us-east-1", url },
        {
          region: "us-west-2",
          url: `http://127.0.0.1:${(counting.address() as net.AddressInfo).port}`,
        },
      ],
      { requestTimeoutMs: 400 },
      () => 0,
    );
    await assert.rejects(arc2.getRoutingControlState("arn:rc"), (e: unknown) => {
      assert.ok(e instanceof AdapterError);
      assert.equal(e.kind, "access-denied");
      return true;
    });
    assert.equal(second, 0, "a refusal is final: the next endpoint is not tried");
  });
});
