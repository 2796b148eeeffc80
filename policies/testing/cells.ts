import { DrManifest, MANIFEST_OUTPUT } from "../../manifest";
import type { SampleRegion } from "../../manifest/sample";
import type { Render } from "../../plan/render";
import { stackSnapshot } from "./stackRender";

/*
 * The compliant cells the policy tests start from: the real program's offline render of each
 * stack (stackRender.ts: every AWS resource with its inputs, options and computed state, and
 * the drManifest output), not a hand-built copy. Two cells (the shipped prod-use1 home and
 * prod-euw1 joiner, us-west-2 as the witness region) by default, or three (the
 * plan/fixtures/three-cells project, ap-southeast-1 too). Tests take one compliant resource
 * per type and change one field; the bench evaluates the pack over the cells.
 */

export type CellRegion = SampleRegion;

/** The default deployment: two cells. */
export const TWO_CELLS: readonly CellRegion[] = ["us-east-1", "eu-west-1"];
/** The deployment: a third cell. */
export const THREE_CELLS: readonly CellRegion[] = ["us-east-1", "eu-west-1", "ap-southeast-1"];

export interface CellOptions {
  /** Every cell of the deployment, home first. Defaults to TWO_CELLS. */
  regions?: readonly CellRegion[];
  /**
   * The home cell's first deploy: no peer has published a manifest, so what needs one (the
   * replicator, bucket replication, the writer check and records) is deferred. Only for the
   * home cell of TWO_CELLS.
   */
  firstDeploy?: boolean;
}

const HOME = "us-east-1";

function deploymentKey(regions: readonly CellRegion[]): string {
  if (regions.join() === TWO_CELLS.join()) return "two";
  if (regions.join() === THREE_CELLS.join()) return "three";
  throw new Error(`no rendered deployment of the cells ${regions.join(", ")}`);
}

/** The DR manifest the cell in `region` publishes (its render's drManifest output). */
export function cellManifest(region: CellRegion, opts: CellOptions = {}): DrManifest {
  return cellRender(region, opts).outputs[MANIFEST_OUTPUT] as DrManifest;
}

/** The real program's render of the cell in `region` (stackRender.ts), a fresh deep copy. */
export function cellRender(region: CellRegion, opts: CellOptions = {}): Render {
  const regions = opts.regions ?? TWO_CELLS;
  const key = deploymentKey(regions);
  const snapshot = stackSnapshot();
  if (opts.firstDeploy) {
    if (region !== HOME || key !== "two") throw new Error("firstDeploy is the home cell's only");
    return structuredClone(snapshot.firstDeploy);
  }
  return structuredClone(snapshot.steady[key][region]);
}
