import * as path from "path";
import { DrConfig, listStacks, loadDrConfig, readStackConfig } from "../config";
import { DrManifest, MANIFEST_OUTPUT, parseManifest } from "../manifest";
import { cellProgram } from "../program";
import { MockedResource, Render, RenderedResource, renderProgram } from "./render";
import { Placement, placementOf, ProviderRecord } from "./regions";

/** The project root: where Pulumi.yaml and the stack files live. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** A pinned timestamp, so offline renders are byte-for-byte repeatable. */
export const OFFLINE_GENERATED_AT = "2026-01-01T00:00:00.000Z";

/** A rendered resource with the region it lands in and the endpoints that manage it. */
export type PlacedResource = RenderedResource & { placement: Placement };

export interface StackRender extends Render {
  resources: PlacedResource[];
  config: DrConfig;
  /** The manifest the stack publishes (validated against the schema). */
  manifest: DrManifest;
}

/** A stack file that is missing or unreadable: the user's to fix, like a config error. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** `readStackConfig`, with its failures typed as the user's to fix. */
export function readStackFile(projectDir: string, stack: string): Record<string, string> {
  try {
    return readStackConfig(projectDir, stack);
  } catch (e) {
    throw new StackFileError((e as Error).message);
  }
}

/**
 * A peer stack failed to render, so the stack that reads its manifest cannot be planned.
 * Carries the peer's own error as `cause`.
 */
export class PeerRenderError extends Error {
  constructor(
    readonly stack: string,
    readonly peer: string,
    readonly cause: unknown,
  ) {
    super(
      `Stack ${stack} reads the DR manifest of peer stack ${peer}, which does not render: ` +
        `${(cause as Error)?.message ?? String(cause)}`,
    );
    this.name = "PeerRenderError";
  }
}

export interface RenderStackOptions {
  projectDir?: string;
  /** Peer manifests by stack name; a peer left out reads as deployed-but-empty. */
  peerManifests?: Record<string, DrManifest>;
  /** Raw config to render instead of the stack's YAML (tests of config variants). */
  config?: Record<string, string>;
  overrideState?: (r: MockedResource) => Record<string, unknown> | undefined;
  generatedAt?: string;
}

/** Renders one stack exactly as `pulumi up -s <stack>` would run the program, offline. */
export async function renderStack(
  stack: string,
  opts: RenderStackOptions = {},
): Promise<StackRender> {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const raw = opts.config ?? readStackFile(projectDir, stack);
  // Validates before rendering, so a config error is reported as such, not as a render failure.
  const config = loadDrConfig(stack, raw);
  const stackOutputs: Record<string, Record<string, unknown>> = {};
  for (const [name, manifest] of Object.entries(opts.peerManifests ?? {})) {
    stackOutputs[name] = { [MANIFEST_OUTPUT]: manifest };
  }
  const render = await renderProgram({
    stack,
    config: raw,
    stackOutputs,
    overrideState: opts.overrideState,
    program: () => cellProgram({ generatedAt: opts.generatedAt ?? OFFLINE_GENERATED_AT }),
  });
  const manifest = parseManifest(
    render.outputs[MANIFEST_OUTPUT],
    `DR manifest rendered for ${stack}`,
  );
  const providers = new Map<string, ProviderRecord>(Object.entries(render.providers));
  // The home tables' replicas are added by the joiners, in the peers' regions.
  const replicaRegions = config.role === "home" ? config.peers.map((p) => p.region) : [];
  const resources = render.resources.map((r) => ({
    ...r,
    placement: placementOf(r, config.region, providers, { replicaRegions }),
  }));
  return { ...render, resources, config, manifest };
}

/**
 * Renders every stack of the project in deploy order and returns each stack's manifest as it
 * is once every cell is deployed: a first pass (home first, then the joiners, each seeing the
 * manifests rendered before it), then a second pass in which every stack sees all its peers.
 */
export async function renderSteadyState(
  opts: { projectDir?: string; stacks?: string[]; generatedAt?: string } = {},
): Promise<Map<string, StackRender>> {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const stacks = deployOrder(projectDir, opts.stacks ?? listStacks(projectDir));
  const manifests: Record<string, DrManifest> = {};
  const renders = new Map<string, StackRender>();
  for (let pass = 0; pass < 2; pass++) {
    for (const stack of stacks) {
      const r = await renderStack(stack, {
        projectDir,
        peerManifests: { ...manifests },
        generatedAt: opts.generatedAt,
      });
      manifests[stack] = r.manifest;
      renders.set(stack, r);
    }
  }
  return renders;
}

/** Home stacks first: a joiner cannot render before the home cell has a manifest. */
export function deployOrder(projectDir: string, stacks: string[]): string[] {
  // Read and validate each stack file once, not once per comparison.
  const rank = new Map(
    stacks.map((s) => [s, loadDrConfig(s, readStackFile(projectDir, s)).role === "home" ? 0 : 1]),
  );
  return [...stacks].sort((a, b) => rank.get(a)! - rank.get(b)! || a.localeCompare(b));
}

/**
 * Renders `stack` as it is once its cells are deployed in the documented order: a first pass
 * over the stack and its peers in deploy order (each seeing the manifests rendered before it),
 * then a second pass up to the stack itself, in which each sees every peer. Some choices only
 * settle then (a replicator is ENHANCED once its peer replicates back; the writer record
 * exists once every peer hosts its gate).
 */
export async function renderWithPeers(
  stack: string,
  projectDir = PROJECT_DIR,
): Promise<{
  render: StackRender;
  peers: Record<string, DrManifest>;
}> {
  const target = loadDrConfig(stack, readStackFile(projectDir, stack));
  const known = new Set(listStacks(projectDir));
  const peerStacks = target.peers.map((p) => p.stack.split("/").pop()!);
  for (const p of peerStacks) {
    if (!known.has(p)) {
      throw new StackFileError(
        `Stack ${stack} names peer '${p}' (dr:peers), but there is no Pulumi.${p}.yaml to render it from offline.`,
      );
    }
  }
  const manifests: Record<string, DrManifest> = {};
  const order = deployOrder(projectDir, [stack, ...peerStacks]);
  const second = order.slice(0, order.indexOf(stack));
  for (const s of [...order, ...second]) {
    try {
      manifests[s] = (
        await renderStack(s, { projectDir, peerManifests: { ...manifests } })
      ).manifest;
    } catch (e) {
      throw s === stack ? e : new PeerRenderError(stack, s, e);
    }
  }
  const peers = Object.fromEntries(peerStacks.map((p) => [p, manifests[p]]).filter(([, m]) => m));
  const render = await renderStack(stack, { projectDir, peerManifests: peers });
  return { render, peers };
}
