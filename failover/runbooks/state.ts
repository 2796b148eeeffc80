import { maxEpoch as highestEpoch } from "../adapters/control";
import { Adapters, ControlState, Region } from "../adapters/types";
import { Topology, cell } from "./topology";

export interface CurrentState {
  /** The region that writes now, or undefined if nothing says. */
  writer: Region | undefined;
  /** Aurora is the authority when there is one; the control table otherwise; then home. */
  writerSource: "aurora" | "control-table" | "home";
  control?: ControlState;
  /** Highest epoch stored in the control table (0 when empty). */
  maxEpoch: number;
  /** The region these reads went to. */
  askedRegion: Region;
}

/**
 * Who writes, read with non-mutating calls in `askRegion` only (the target region, on
 * failover, so the failed region is never called).
 */
export async function resolveCurrentState(
  topology: Topology,
  adapters: Adapters,
  askRegion: Region,
): Promise<CurrentState> {
  const m = cell(topology, askRegion);
  let control: ControlState | undefined;
  if (m.stores.controlTable) {
    control = await adapters.dynamodb.readControl(
      askRegion,
      m.stores.controlTable.tableName,
      topology.regions,
    );
  }
  const maxEpoch = control ? highestEpoch(control) : 0;
  if (m.stores.aurora) {
    const g = await adapters.rds.describeGlobalCluster(
      askRegion,
      m.stores.aurora.globalClusterIdentifier,
    );
    const w = g.members.find((x) => x.isWriter);
    if (w) {
      return {
        writer: w.region,
        writerSource: "aurora",
        control,
        maxEpoch,
        askedRegion: askRegion,
      };
    }
  }
  if (control?.writer) {
    return {
      writer: control.writer.region,
      writerSource: "control-table",
      control,
      maxEpoch,
      askedRegion: askRegion,
    };
  }
  return {
    writer: topology.homeRegion,
    writerSource: "home",
    control,
    maxEpoch,
    askedRegion: askRegion,
  };
}

export function nextEpoch(state: CurrentState): number {
  return state.maxEpoch + 1;
}
