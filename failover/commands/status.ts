import { Command } from "commander";
import { AdapterError, Adapters, Region } from "../adapters/types";
import { CliDeps } from "../cli/deps";
import { palette, Palette, paletteFor } from "../cli/colour";
import { CouldNotCheckError, EXIT, UnhealthyError } from "../cli/errors";
import { Clock } from "../engine/clock";
import { withTimeout } from "../engine/retry";
import {
  dynamoLatencyQuery,
  latestAuroraLag,
  mskLagQuery,
  replicatedTables,
  Topology,
} from "../runbooks/topology";
import { writerRouteHealthy } from "../runbooks/steps";
import { addCommonOptions, CommonOptions, loadInputs, writeJson } from "./common";

/** One value read from AWS, or why it could not be read. */
export type Reading<T> = { ok: true; value: T } | { ok: false; error: string };

export interface RegionStatus {
  region: Region;
  cell: string;
  stack: string;
  targets: { tier: string; rtoSeconds: number; rpoSeconds: number; budgetSeconds: number };
  aurora?: Reading<{ role: "writer" | "secondary" | "absent"; sync?: string; lagSeconds?: number }>;
  dynamodb: {
    table: string;
    status: Reading<string>;
    latencyMsTo: Record<Region, Reading<number | null>>;
  }[];
  /** One entry per replicator the cell runs (one per peer), in the manifest's order. */
  msk: MskReplicatorStatus[];
  cache?: Reading<{ role: string; status: string }>;
  healthCheck: Reading<boolean>;
  writerHealthCheck: Reading<boolean>;
  trafficSwitch: Reading<string>;
  control?: Reading<{ writer: string | null; epoch: number | null; fenced: boolean | null }>;
}

/** A replicator pulling one peer's topics into the region's cluster. */
export interface MskReplicatorStatus {
  /** The peer region it pulls from. */
  sourceRegion: Region;
  replicatorName: string;
  replicatorArn: string;
  /** DescribeReplicator's state: RUNNING, CREATING, UPDATING, DELETING or FAILED. */
  state: Reading<string>;
  /** Why it is in that state, when AWS says. */
  stateReason?: string;
  /** The newest `MessageLag` (records not yet copied); null when CloudWatch has no datapoint. */
  messageLag: Reading<number | null>;
}

/**
 * healthy: every read answered and nothing is wrong. unhealthy: a read answered and shows a
 * fault. could-not-check: nothing read shows a fault, but some reads failed, so health is
 * unknown. A known fault wins over an unknown: it is the fact the operator acts on, and what
 * could not be read cannot make it better.
 */
export type StatusVerdict = "healthy" | "unhealthy" | "could-not-check";

export interface StatusReport {
  app: string;
  at: string;
  writer: Region | null;
  verdict: StatusVerdict;
  /** True only for the verdict "healthy". */
  healthy: boolean;
  /** Faults the readings show. */
  problems: string[];
  /** Reads that failed, folded per region and error (one line for a region's identical errors). */
  unchecked: string[];
  warnings: string[];
  regions: RegionStatus[];
}

/** Each AWS call of `status` gives up after this long: a dead region must not hold the report. */
export const STATUS_CALL_DEADLINE_MS = 5_000;
/** A read may chain two calls (a describe, then its lag metric). */
const STATUS_READ_MS = 2 * STATUS_CALL_DEADLINE_MS + 500;

/**
 * Reads everything `status` shows, each read with its own timeout so one dead region shows as
 * unreachable instead of hanging the command. Read-only calls only.
 */
export async function collectStatus(
  topology: Topology,
  adapters: Adapters,
  clock: Clock,
): Promise<StatusReport> {
  const read = async <T>(fn: () => Promise<T>): Promise<Reading<T>> => {
    try {
      return { ok: true, value: await withTimeout(clock, STATUS_READ_MS, "read", fn) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  };
  const now = clock.now();
  const regions = topology.regions;

  const perRegion = await Promise.all(
    regions.map(async (region): Promise<RegionStatus> => {
      const m = topology.cells.get(region)!;
      const a = m.stores.aurora;
      const gid = m.stores.cache.globalReplicationGroupId;
      const ct = m.stores.controlTable;
      const sw = m.traffic.switch;
      // Every read of a region at once: a black-holed region costs one deadline, not one per read.
      const [aurora, dynamodb, msk, cache, healthCheck, writerHealthCheck, trafficSwitch, control] =
        await Promise.all([
          a
            ? read(async () => {
                const g = await adapters.rds.describeGlobalCluster(
                  region,
                  a.globalClusterIdentifier,
                );
                const me = g.members.find((x) => x.clusterArn === a.clusterArn);
                const role: "writer" | "secondary" | "absent" = !me
                  ? "absent"
                  : me.isWriter
                    ? "writer"
                    : "secondary";
                let lagSeconds: number | undefined;
                if (role === "secondary") {
                  const lag = await latestAuroraLag(
                    adapters.cloudwatch,
                    region,
                    a.clusterIdentifier,
                    now,
                  );
                  lagSeconds = lag ? lag.value / 1000 : undefined;
                }
                return { role, sync: me?.synchronizationStatus, lagSeconds };
              })
            : undefined,
          Promise.all(
            replicatedTables(m).map(async (table) => {
              const [status, ...latencies] = await Promise.all([
                read(
                  async () => (await adapters.dynamodb.describeTable(region, table)).tableStatus,
                ),
                ...regions
                  .filter((r) => r !== region)
                  .map(async (peer) => {
                    const latency = await read(
                      async () =>
                        (
                          await adapters.cloudwatch.latestMetric(
                            region,
                            dynamoLatencyQuery(table, peer, now),
                          )
                        )?.value ?? null,
                    );
                    return [peer, latency] as const;
                  }),
              ]);
              return {
                table,
                status: status as Reading<string>,
                latencyMsTo: Object.fromEntries(
                  latencies as (readonly [Region, Reading<number | null>])[],
                ),
              };
            }),
          ),
          // One replicator per peer, each reported on its own: a stopped one names its peer.
          Promise.all(
            m.stores.msk.replicators.map(async (rep): Promise<MskReplicatorStatus> => {
              const [described, messageLag] = await Promise.all([
                read(() => adapters.kafka.describeReplicator(region, rep.replicatorArn)),
                read(
                  async () =>
                    (
                      await adapters.cloudwatch.latestMetric(
                        region,
                        mskLagQuery(rep.replicatorArn, now),
                      )
                    )?.value ?? null,
                ),
              ]);
              return {
                sourceRegion: rep.sourceRegion,
                replicatorName: rep.replicatorName,
                replicatorArn: rep.replicatorArn,
                state: described.ok ? { ok: true, value: described.value.state } : described,
                ...(described.ok && described.value.stateReason
                  ? { stateReason: described.value.stateReason }
                  : {}),
                messageLag,
              };
            }),
          ),
          gid
            ? read(async () => {
                const g = await adapters.elasticache.describeGlobalDatastore(region, gid);
                const me = g.members.find(
                  (x) => x.replicationGroupId === m.stores.cache.replicationGroupId,
                );
                return { role: me?.role ?? "absent", status: me?.status ?? g.status };
              })
            : undefined,
          read(
            async () =>
              (await adapters.route53.healthCheckStatus(m.traffic.healthCheck.healthCheckId))
                .healthy,
          ),
          read(() => writerRouteHealthy(adapters, m)),
          read(async () => {
            if (sw.type === "arc-routing-control") {
              return `routing control ${await adapters.arc.getRoutingControlState(sw.routingControlArn)}`;
            }
            // One gate per region: a dead region shows as such without hiding the others.
            const states = await Promise.all(
              sw.gates.map(async (g) => {
                const r = await read(
                  async () =>
                    (await adapters.cloudwatch.alarmStates(g.region, [g.alarmName]))[g.alarmName],
                );
                const s = r.ok ? r.value : "UNREACHABLE";
                return `${g.region}:${s === "OK" ? "open" : s === "ALARM" ? "closed" : s}`;
              }),
            );
            return `gates ${states.join(" ")}`;
          }),
          ct
            ? read(async () => {
                const s = await adapters.dynamodb.readControl(region, ct.tableName, [region]);
                const f = s.fences.find((x) => x.region === region);
                return {
                  writer: s.writer?.region ?? null,
                  epoch: s.writer?.epoch ?? null,
                  fenced: f ? f.fenced : null,
                };
              })
            : undefined,
        ]);
      return {
        region,
        cell: m.cell,
        stack: m.stack,
        targets: { ...m.targets, budgetSeconds: m.budget.totalSeconds },
        aurora,
        dynamodb,
        msk,
        cache,
        healthCheck,
        writerHealthCheck,
        trafficSwitch,
        control,
      };
    }),
  );

  const problems: string[] = [];
  const warnings: string[] = [];
  const failed: FailedRead[] = [];
  const check = (region: Region, what: string, r: Reading<unknown> | undefined) => {
    if (r && !r.ok) failed.push({ region, what, error: r.error });
  };
  for (const r of perRegion) {
    check(r.region, "aurora", r.aurora);
    for (const t of r.dynamodb) check(r.region, `dynamodb ${t.table}`, t.status);
    for (const rep of r.msk) check(r.region, `msk replicator from ${rep.sourceRegion}`, rep.state);
    check(r.region, "elasticache", r.cache);
    check(r.region, "writer health check", r.writerHealthCheck);
    check(r.region, "traffic switch", r.trafficSwitch);
    check(r.region, "control table", r.control);
  }
  const writers = perRegion.filter((r) => r.aurora?.ok && r.aurora.value.role === "writer");
  const anyAurora = perRegion.some((r) => r.aurora !== undefined);
  const auroraUnread = perRegion.some((r) => r.aurora && !r.aurora.ok);
  let writer: Region | null = null;
  if (anyAurora) {
    if (writers.length === 1) writer = writers[0].region;
    // With a region unread the writer may be the one not heard from: unknown, not absent.
    else if (writers.length === 0 && !auroraUnread)
      problems.push("no region reports the Aurora writer");
    else if (writers.length > 1)
      problems.push(`two Aurora writers: ${writers.map((w) => w.region).join(", ")}`);
  } else {
    const c = perRegion.find((r) => r.control?.ok && r.control.value.writer);
    writer = c?.control?.ok ? c.control.value.writer : null;
  }
  for (const r of perRegion) {
    const rpo = r.targets.rpoSeconds;
    if (r.aurora?.ok) {
      const v = r.aurora.value;
      if (v.role === "absent")
        problems.push(`${r.region}: not a member of the Aurora global cluster`);
      if (v.sync && v.sync !== "connected") problems.push(`${r.region}: Aurora ${v.sync}`);
      if (v.lagSeconds !== undefined && v.lagSeconds > rpo)
        problems.push(`${r.region}: Aurora lag ${v.lagSeconds} s over the RPO target ${rpo} s`);
    }
    for (const t of r.dynamodb) {
      if (t.status.ok && t.status.value !== "ACTIVE")
        problems.push(`${r.region}: ${t.table} is ${t.status.value}`);
      for (const [peer, lat] of Object.entries(t.latencyMsTo)) {
        if (lat.ok && lat.value !== null && lat.value / 1000 > rpo)
          problems.push(
            `${r.region}: ${t.table} replication to ${peer} ${lat.value} ms over the RPO target`,
          );
      }
    }
    for (const rep of r.msk) {
      const which = `${r.region}: MSK replicator from ${rep.sourceRegion}`;
      if (rep.state.ok && rep.state.value !== "RUNNING")
        problems.push(
          `${which} ${rep.state.value}${rep.stateReason ? ` (${rep.stateReason})` : ""}`,
        );
      // The state is known, so an unreadable backlog alone is not a failure.
      if (rep.state.ok && !rep.messageLag.ok)
        warnings.push(`${which}: MessageLag unreadable (${rep.messageLag.error})`);
    }
    if (!r.healthCheck.ok)
      warnings.push(`${r.region}: health check status unreadable (${r.healthCheck.error})`);
    else if (!r.healthCheck.value)
      problems.push(`${r.region}: the cell's health check is unhealthy`);
    if (r.writerHealthCheck.ok && writer) {
      if (r.region === writer && !r.writerHealthCheck.value)
        problems.push(
          `${r.region}: writer health check unhealthy: writer traffic has nowhere to go (a fresh deployment opens its writer with 'failover switchover --to ${r.region}')`,
        );
      if (r.region !== writer && r.writerHealthCheck.value)
        problems.push(`${r.region}: writer health check healthy but ${writer} writes`);
    }
    if (r.control?.ok && writer) {
      const c = r.control.value;
      if (c.writer === null)
        warnings.push(`${r.region}: control table has no writer item (home writes)`);
      else if (c.writer !== writer)
        problems.push(`${r.region}: control table says ${c.writer} writes, Aurora says ${writer}`);
      if (r.region === writer && c.fenced)
        problems.push(
          `${r.region}: the writer is fenced: resume the unfinished run, or 'failover switchover --to ${r.region} --abandon <run id>'`,
        );
      if (r.region !== writer && c.fenced === false)
        problems.push(`${r.region}: not the writer but explicitly unfenced`);
      if (r.region !== writer && c.fenced === null)
        warnings.push(`${r.region}: no fence item (relies on the writer item)`);
    }
  }
  const caches = perRegion.filter((r) => r.cache?.ok && r.cache.value.role === "primary");
  const cacheUnread = perRegion.some((r) => r.cache && !r.cache.ok);
  if (
    perRegion.some((r) => r.cache?.ok) &&
    (caches.length > 1 || (caches.length === 0 && !cacheUnread))
  )
    problems.push(`ElastiCache global datastore has ${caches.length} primaries`);
  const unchecked = foldFailedReads(failed);
  const verdict: StatusVerdict =
    problems.length > 0 ? "unhealthy" : unchecked.length > 0 ? "could-not-check" : "healthy";
  return {
    app: topology.app,
    at: new Date(now).toISOString(),
    writer,
    verdict,
    healthy: verdict === "healthy",
    problems,
    unchecked,
    warnings,
    regions: perRegion,
  };
}

interface FailedRead {
  region: Region;
  what: string;
  error: string;
}

/**
 * One line per region and error: a dead region's seven identical timeouts read as one fact
 * ("us-east-1: 7 reads failed: ... (aurora, ...)"), not seven lines to scan at 3 a.m.
 */
export function foldFailedReads(failed: FailedRead[]): string[] {
  const groups = new Map<string, FailedRead[]>();
  for (const f of failed) {
    const key = `${f.region}\0${failureReason(f.error)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].map((g) =>
    g.length === 1
      ? `${g[0].region}: ${g[0].what} could not be read: ${g[0].error}`
      : `${g[0].region}: ${g.length} reads failed: ${failureReason(g[0].error)} (${g.map((f) => f.what).join(", ")})`,
  );
}

/**
 * The part of an error that is the same for every call: "RDS DescribeGlobalClusters in
 * us-east-1 did not answer within 5 s" -> "did not answer within 5 s". The folded line names
 * the region and the reads, so the service, operation and region add nothing.
 */
export function failureReason(error: string): string {
  return error.replace(/^[A-Z][A-Za-z0-9]* [A-Z][A-Za-z0-9]+ (in [a-z]{2}(-[a-z]+)+-\d+ )?/, "");
}

const VERDICT: Record<StatusVerdict, [string, keyof Palette]> = {
  healthy: ["HEALTHY", "ok"],
  unhealthy: ["UNHEALTHY", "bad"],
  "could-not-check": ["COULD NOT CHECK", "warn"],
};

export function renderStatus(s: StatusReport, colours: Palette = palette(false)): string {
  const show = <T>(r: Reading<T> | undefined, f: (v: T) => string) =>
    r === undefined ? "n/a" : r.ok ? f(r.value) : `${colours.warn("UNREACHABLE")} (${r.error})`;
  const [verdict, tone] = VERDICT[s.verdict];
  const lines = [`${s.app}: writer ${s.writer ?? "UNKNOWN"} - ${colours[tone](verdict)} (${s.at})`];
  for (const r of s.regions) {
    lines.push(
      "",
      `${r.region} (${r.stack})${r.region === s.writer ? "  <- writes" : ""}`,
      `  targets      RTO ${r.targets.rtoSeconds} s, RPO ${r.targets.rpoSeconds} s, budget ${r.targets.budgetSeconds} s (${r.targets.tier})`,
      `  aurora       ${show(r.aurora, (v) => `${v.role}${v.sync ? ` ${v.sync}` : ""}${v.lagSeconds !== undefined ? `, lag ${v.lagSeconds} s` : ""}`)}`,
      ...r.dynamodb.map(
        (t) =>
          `  dynamodb     ${t.table}: ${show(t.status, (v) => v)}; replication ${Object.entries(
            t.latencyMsTo,
          )
            .map(([p, l]) => `-> ${p} ${show(l, (v) => (v === null ? "no data" : `${v} ms`))}`)
            .join(", ")}`,
      ),
      ...(r.msk.length === 0
        ? ["  msk          n/a"]
        : r.msk.map(
            (rep, i) =>
              `  ${i === 0 ? "msk" : "   "}          from ${rep.sourceRegion}: replicator ${show(rep.state, (v) => v)}, backlog ${show(rep.messageLag, (v) => (v === null ? "no data" : String(v)))}`,
          )),
      `  elasticache  ${show(r.cache, (v) => `${v.role} (${v.status})`)}`,
      `  health       cell ${show(r.healthCheck, (v) => (v ? "healthy" : "UNHEALTHY"))}, writer check ${show(r.writerHealthCheck, (v) => (v ? "healthy" : "unhealthy"))}`,
      `  switch       ${show(r.trafficSwitch, (v) => v)}`,
      `  control      ${show(r.control, (v) => `writer item ${v.writer ?? "none"}${v.epoch !== null ? ` (epoch ${v.epoch})` : ""}, this region ${v.fenced === null ? "no fence item" : v.fenced ? "FENCED" : "unfenced"}`)}`,
    );
  }
  if (s.problems.length)
    lines.push("", colours.bad("problems:"), ...s.problems.map((p) => `  - ${colours.bad(p)}`));
  if (s.unchecked.length)
    lines.push(
      "",
      colours.warn("could not check:"),
      ...s.unchecked.map((p) => `  - ${colours.warn(p)}`),
    );
  if (s.warnings.length) lines.push("", "warnings:", ...s.warnings.map((p) => `  - ${p}`));
  return lines.join("\n") + "\n";
}

export function registerStatus(program: Command, deps: CliDeps): void {
  const cmd = program
    .command("status")
    .description(
      "Per region: who writes, Aurora members and lag, DynamoDB replicas and latency, MSK replicators, ElastiCache roles, health checks, traffic switch, fences, RTO/RPO targets.",
    )
    .addHelpText(
      "after",
      `
Exit codes:
  0  healthy: every read answered and nothing is wrong
  1  unhealthy: a reading shows a fault (wins over 4: a known fault is what to act on)
  2  bad input (manifests, options)
  ${EXIT.couldNotCheck}  could not check: nothing read is wrong, but a region or store did not answer`,
    );
  addCommonOptions(cmd).action(async (opts: CommonOptions) => {
    const { topology, adapters } = loadInputs(opts, deps, {
      requestTimeoutMs: STATUS_CALL_DEADLINE_MS,
    });
    // Both at once: a black-holed region costs one call deadline in all, not one each.
    const credentials = checkCredentials(topology.regions, adapters);
    const collecting = collectStatus(topology, adapters, deps.clock);
    await credentials.catch(async (e: unknown) => {
      await collecting.catch(() => undefined);
      throw e;
    });
    const report = await collecting;
    if (opts.json) writeJson(deps, report);
    else deps.stdout.write(renderStatus(report, paletteFor(deps, deps.stdout)));
    if (report.verdict === "unhealthy")
      throw new UnhealthyError(`${report.problems.length} problems`);
    if (report.verdict === "could-not-check")
      throw new CouldNotCheckError(`${report.unchecked.length} reads failed`);
  });
}

/**
 * Missing or expired credentials would otherwise show as every region "unreachable": fail
 * once, with the fix. Every region is asked at once and the first answer settles it; a region
 * that does not answer is not a credential problem.
 */
async function checkCredentials(regions: Region[], adapters: Adapters): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let pending = regions.length;
    const settle = () => --pending === 0 && resolve();
    if (pending === 0) resolve();
    for (const region of regions) {
      adapters.sts.callerIdentity(region).then(
        () => resolve(),
        (e: unknown) => {
          if (e instanceof AdapterError && (e.kind === "credentials" || e.kind === "access-denied"))
            reject(e);
          else settle();
        },
      );
    }
  });
}
