import { randomUUID } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { DrManifest } from "../../manifest";
import { ParamOverrides } from "../simulator/params";
import { RealTimeDriver } from "../simulator/realtime";
import { Rng } from "../simulator/rng";
import { Session, Simulation } from "../simulator/simulation";
import { ADMIN_PREFIX, admin } from "./admin";
import { cutKey, FaultSet, FaultSpec, FaultTargets } from "./faults";
import { RequestLog } from "./log";
import { EMULATOR_PARAMS, mergeParams } from "./params";
import { jsonReply } from "./protocols/json";
import { xmlReply } from "./protocols/query";
import { errorDocument } from "./protocols/xml";
import { ARC_REGIONS, SERVICES } from "./services";
import { credentialScope } from "./sigv4";
import { snapshot } from "./state";
import { CallContext, NO_ANSWER, Outcome, WireRequest, WireResponse } from "./wire";

/**
 * The loopback AWS region emulator: one HTTP port answers every emulated service in every
 * region, from a region simulator driven in real time. The SigV4 scope of each request names
 * its region and service; a codec per AWS protocol decodes it; the service maps it onto the
 * simulator; faults decide, before the service sees the request, whether the socket gets an
 * answer at all. Each region also has a listener of its own, so that a `refused` fault can
 * refuse connections for one region (the shared port cannot: TCP knows nothing of regions).
 */

export interface EmulatorOptions {
  manifests: DrManifest[];
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Simulator parameters over the emulator's fast defaults. */
  params?: ParamOverrides;
  faults?: FaultSpec[];
  seed?: number;
  /** How often the simulation catches up with the wall clock. */
  tickMs?: number;
}

interface RegionListener {
  region: string;
  server: http.Server;
  port: number;
  /** The state asked for last; `transition` gets the server there. */
  open: boolean;
  transition: Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class Emulator {
  readonly sim: Simulation;
  readonly log = new RequestLog();
  readonly faults: FaultSet;
  readonly host: string;
  readonly account: string;
  private readonly driver: RealTimeDriver;
  private readonly session: Session;
  private readonly main: http.Server;
  private readonly regional = new Map<string, RegionListener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Partitions applied to the simulator's world, as cutKey()s. */
  private readonly cuts = new Set<string>();
  private port = 0;
  private closed = false;

  private constructor(private readonly options: EmulatorOptions) {
    this.host = options.host ?? "127.0.0.1";
    if (!isLoopback(this.host)) {
      throw new Error(`the emulator binds to loopback only, not ${this.host}`);
    }
    const seed = options.seed ?? 1;
    this.sim = new Simulation({
      manifests: options.manifests,
      seed,
      params: mergeParams(EMULATOR_PARAMS, options.params ?? {}),
      epochMs: Date.now(),
      route53ApiRegion: "us-east-1",
      arcEndpointRegions: ARC_REGIONS,
    });
    this.session = this.sim.newSession();
    this.account = options.manifests[0].stores.kms.keyArn.split(":")[4];
    this.faults = new FaultSet(new Rng(seed).fork("emulator:faults"));
    this.faults.set(options.faults ?? []);
    this.driver = new RealTimeDriver(this.sim.kernel, options.tickMs ?? 10);
    this.driver.onTick((s) => this.applyFaults(s));
    this.main = this.httpServer("shared");
  }

  /** Starts the simulation and the listeners; resolves once the shared port is listening. */
  static async start(options: EmulatorOptions): Promise<Emulator> {
    const e = new Emulator(options);
    e.driver.start();
    try {
      e.port = await listen(e.main, options.port ?? 0, e.host);
      const regions = [...new Set([...options.manifests.map((m) => m.region), ...ARC_REGIONS])];
      for (const region of regions) {
        const server = e.httpServer(region);
        const port = await listen(server, 0, e.host);
        e.regional.set(region, { region, server, port, open: true, transition: Promise.resolve() });
      }
      await e.applyFaults(e.seconds());
    } catch (err) {
      await e.close();
      throw err;
    }
    return e;
  }

  get url(): string {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Each region's own listener (clients of it see `refused` as ECONNREFUSED). */
  endpoints(): Record<string, string> {
    const base = this.url.replace(/:\d+$/, "");
    return Object.fromEntries(
      [...this.regional.values()].map((l) => [l.region, `${base}:${l.port}`]),
    );
  }

  /** Seconds since start: the simulation's virtual time. */
  seconds(): number {
    return this.driver.seconds();
  }

  targets(): FaultTargets {
    return { worldRegions: this.sim.world.regions, listenerRegions: [...this.regional.keys()] };
  }

  /** Replaces the fault set (already validated) and applies it before resolving. */
  async setFaults(faults: FaultSpec[]): Promise<void> {
    this.faults.set(faults);
    await this.applyFaults(this.seconds());
  }

  state() {
    return snapshot(this.sim, this.faults, this.seconds(), this.endpoints());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.driver.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([
      stop(this.main),
      ...[...this.regional.values()].map(async (l) => {
        await l.transition;
        await stop(l.server);
      }),
    ]);
  }

  // --- faults the world and the listeners carry ------------------------------------------------

  /** Brings the simulator's world and the region listeners in line with the active faults. */
  private applyFaults(seconds: number): Promise<void> {
    const world = this.sim.world;
    const want = this.faults.world(seconds);
    for (const r of world.regions) {
      if (world.isUp(r) === want.down.has(r)) world.setDown(r, want.down.has(r));
      if (world.isIsolated(r) !== want.isolated.has(r)) world.setIsolated(r, want.isolated.has(r));
    }
    world.regions.forEach((a, i) =>
      world.regions.slice(i + 1).forEach((b) => {
        const key = cutKey(a, b);
        if (this.cuts.has(key) === want.cuts.has(key)) return;
        world.setCut(a, b, want.cuts.has(key));
        if (want.cuts.has(key)) this.cuts.add(key);
        else this.cuts.delete(key);
      }),
    );
    const refused = this.faults.refused(seconds);
    const moves: Promise<void>[] = [];
    for (const l of this.regional.values()) {
      const open = !refused.has(l.region);
      if (open === l.open || this.closed) continue;
      l.open = open;
      l.transition = l.transition.then(() =>
        open ? listen(l.server, l.port, this.host).then(() => undefined) : stop(l.server),
      );
      moves.push(l.transition);
    }
    return Promise.all(moves).then(() => undefined);
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  private httpServer(via: string): http.Server {
    const server = http.createServer((req, res) => {
      this.onRequest(req, res, via).catch((e: unknown) => {
        process.stderr.write(`emulator: ${(e as Error)?.stack ?? String(e)}\n`);
        if (!res.headersSent) send(res, jsonReply(500, { message: String(e) }, "-"));
      });
    });
    // A black-holed request keeps its socket open for good; nothing may time it out here.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    return server;
  }

  private async onRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    via: string,
  ): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://emulator");
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      send(res, await admin(this, req.method ?? "GET", url, body));
      return;
    }
    const wire: WireRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    const at = Math.round(this.seconds() * 1000);
    const requestId = randomUUID();
    const scope = credentialScope(req.headers, url.searchParams);
    const service = scope && SERVICES.get(scope.service);
    if (!scope || !service) {
      const reply = scope
        ? unknownService(wire, scope.service, requestId)
        : unsigned(wire, requestId);
      this.log.add({
        at,
        region: scope?.region ?? "-",
        service: scope?.service ?? "-",
        operation: operationHint(wire),
        status: reply.status,
        error: reply.error,
        via,
      });
      send(res, reply);
      return;
    }
    const region = scope.region;
    const d = service.dispatch(wire);
    const record = this.log.add({ at, region, service: service.name, operation: d.operation, via });

    // The simulator's outage and isolation: nothing from outside reaches the region.
    const world = this.sim.world;
    if (world.has(region) && !world.reachableFromOutside(region)) {
      record.fault = "black-hole";
      record.detail = world.isUp(region) ? "isolation" : "outage";
      return;
    }
    const decision = this.faults.decide(at / 1000, region, service.name, d.operation);
    const action = decision.action;
    if (action?.kind === "black-hole") {
      record.fault = "black-hole";
      return;
    }
    if (action?.kind === "reset" || action?.kind === "refused") {
      // On the shared port a refused region can only drop the connection (see the docs).
      record.fault = action.kind;
      req.socket.resetAndDestroy();
      return;
    }
    let reply: Outcome;
    if (action?.kind === "error") {
      const f = action.fault;
      record.fault = "error";
      reply = d.fail(
        service.fault(f.code, f.message ?? defaultMessage(f.code), f.status),
        requestId,
      );
    } else {
      reply = await d.run(this.context(region, requestId));
      if (reply === NO_ANSWER) {
        record.fault = "black-hole";
        record.detail = "simulated timeout";
        return;
      }
    }
    if (decision.delayMs > 0) {
      record.fault ??= "slow";
      await this.sleep(decision.delayMs);
    }
    record.status = reply.status;
    record.error = reply.error;
    send(res, reply);
  }

  private context(region: string, requestId: string): CallContext {
    return {
      region,
      requestId,
      sim: this.sim,
      adapters: this.session.adapters,
      manifests: this.options.manifests,
      account: this.account,
      nowMs: this.sim.toEpochMs(this.seconds()),
    };
  }

  /** A timer close() cancels (a slow reply must not keep the process alive). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}

function defaultMessage(code: string): string {
  if (/^Throttl/.test(code)) return "Rate exceeded";
  if (/^Internal/.test(code)) return "We encountered an internal error. Please try again.";
  if (/Unavailable/.test(code)) return "Service is unavailable. Please try again.";
  return `${code} (injected by the emulator)`;
}

/** The operation a request names, for the log of a request no service took. */
function operationHint(req: WireRequest): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return target.split(".").pop() ?? target;
  const action =
    req.query.get("Action") ?? new URLSearchParams(req.body.toString("utf8")).get("Action");
  return action ?? `${req.method} ${req.path}`;
}

/** Errors before any service is known: JSON for JSON clients, query-style XML for the rest. */
function errorReply(
  req: WireRequest,
  status: number,
  code: { json: string; xml: string },
  message: string,
  requestId: string,
): WireResponse {
  const reply =
    typeof req.headers["x-amz-target"] === "string"
      ? jsonReply(status, { __type: code.json, message }, requestId)
      : xmlReply(
          status,
          errorDocument("", { type: "Sender", code: code.xml, message }, requestId),
          requestId,
        );
  reply.error = typeof req.headers["x-amz-target"] === "string" ? code.json : code.xml;
  return reply;
}

function unsigned(req: WireRequest, requestId: string): WireResponse {
  return errorReply(
    req,
    403,
    { json: "MissingAuthenticationTokenException", xml: "MissingAuthenticationToken" },
    "Missing Authentication Token: the request has no SigV4 credential scope (Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request)",
    requestId,
  );
}

function unknownService(req: WireRequest, service: string, requestId: string): WireResponse {
  return errorReply(
    req,
    400,
    { json: "UnknownOperationException", xml: "InvalidAction" },
    `the emulator does not serve ${service} (it serves ${[...SERVICES.keys()].join(", ")})`,
    requestId,
  );
}

function send(res: http.ServerResponse, reply: WireResponse): void {
  const body = Buffer.from(reply.body, "utf8");
  res.writeHead(reply.status, {
    ...reply.headers,
    "content-length": String(body.length),
    date: new Date().toUTCString(),
  });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and ends every connection, held (black-holed) ones included. */
function stop(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
