import { Simulation } from "../simulator/simulation";
import { FaultSet } from "./faults";

/**
 * What `GET /_emulator/state` reports: the simulated world as a test wants to assert on it
 * (who the Aurora writer is, the control table in each replica, gates and routing controls,
 * where the writer name points, which regions' applications accept writes) and the faults.
 */
export function snapshot(
  sim: Simulation,
  faults: FaultSet,
  seconds: number,
  endpoints: Record<string, string>,
) {
  const world = sim.world;
  const accepting = sim.workload.acceptingRegions();
  const control = sim.control;
  return {
    now: seconds,
    epochMs: Math.round(sim.toEpochMs(seconds)),
    regions: Object.fromEntries(
      world.regions.map((r) => [
        r,
        {
          up: world.isUp(r),
          isolated: world.isIsolated(r),
          reachable: world.reachableFromOutside(r),
          acceptsWrites: accepting.includes(r),
          auroraWritable: sim.aurora?.writable(r) ?? false,
          cacheWritable: sim.cache?.writable(r) ?? false,
        },
      ]),
    ),
    endpoints,
    aurora: sim.aurora && {
      globalClusterIdentifier: sim.aurora.globalClusterIdentifier,
      status: sim.aurora.status,
      writer: sim.aurora.primaryRegion() ?? null,
      members: sim.aurora.describe().members,
    },
    cache: sim.cache && {
      globalReplicationGroupId: sim.cache.globalReplicationGroupId,
      status: sim.cache.status,
      primary: sim.cache.primaryRegion() ?? null,
    },
    controlTable: control && {
      tableName: control.tableName,
      items: Object.fromEntries(
        world.regions.map((r) => [
          r,
          Object.fromEntries(control.entries(r).map(([pk, item]) => [pk, item.value])),
        ]),
      ),
    },
    gates: sim.traffic.cells.flatMap((c) =>
      c.gates.map((g) => ({
        cell: c.cell,
        region: g.region,
        alarmName: g.alarmName,
        alarm: g.alarm,
        healthy: g.healthy,
      })),
    ),
    routingControls: Object.fromEntries(
      sim.traffic.cells
        .filter((c) => c.routingControlArn)
        .map((c) => [c.routingControlArn!, sim.traffic.routingControl(c.routingControlArn!)]),
    ),
    writerDns: sim.traffic.writerAnswer(),
    faults: { active: faults.active(seconds), all: faults.all() },
  };
}
