import type { DrManifest } from "../manifest";
import { PROJECT_DIR, renderSteadyState } from "./stack";

/**
 * The DR manifests of every shipped stack, rendered offline as they are once all cells are
 * deployed. The drill and the failover tests run on these, so they exercise the manifests the
 * stacks really publish rather than a hand-written sample.
 */
export async function offlineManifests(projectDir = PROJECT_DIR): Promise<DrManifest[]> {
  const renders = await renderSteadyState({ projectDir });
  return [...renders.values()].map((r) => r.manifest);
}
