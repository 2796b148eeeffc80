import * as fs from "fs";
import * as path from "path";
import { MANIFEST_OUTPUT } from "../../manifest";
import type { Render, RenderedResource } from "../../plan/render";
import { PROJECT_DIR, renderStack, StackRender } from "../../plan/stack";
import { steadyStateOnce } from "../../testing";

/*
 * The policy fixtures' cells, rendered from the real program (plan/stack.ts, the offline plan
 * with its mocks) rather than built by hand: the hand-built copy drifted (its root was once
 * `dr:cell:Cell`, and its resources were the sample manifest's idea of the components). The
 * render takes seconds and the fixtures are synchronous, so it is stored in
 * stack.snapshot.json; stack.test.ts fails when the snapshot differs from a fresh render.
 * Regenerate it with `npx tsx policies/testing/stackRender.ts --write`.
 */

export const STACK_SNAPSHOT_FILE = path.join(__dirname, "stack.snapshot.json");

/** The deployments the fixtures cover: the shipped two cells and the three-cell fixture. */
export const DEPLOYMENT_DIRS: Record<string, string> = {
  two: PROJECT_DIR,
  three: path.join(PROJECT_DIR, "plan", "fixtures", "three-cells"),
};

export interface StackSnapshot {
  /** Per deployment, per region: the cell's render once every peer has deployed. */
  steady: Record<string, Record<string, Render>>;
  /** The home cell of the shipped deployment on its first deploy (no peer manifest yet). */
  firstDeploy: Render;
}

/** What the fixtures keep of a render: the resources and the manifest output. */
function fixtureOf(r: StackRender): Render {
  return {
    project: r.project,
    stack: r.stack,
    resources: r.resources.map(({ placement: _placement, ...rest }) => rest),
    outputs: { [MANIFEST_OUTPUT]: r.outputs[MANIFEST_OUTPUT] },
    secretOutputs: [],
    logs: [],
    providers: {},
  };
}

export async function renderStackSnapshot(): Promise<StackSnapshot> {
  const steady: StackSnapshot["steady"] = {};
  for (const [key, dir] of Object.entries(DEPLOYMENT_DIRS)) {
    steady[key] = {};
    for (const render of (await steadyStateOnce(dir)).values()) {
      steady[key][render.config.region] = fixtureOf(render);
    }
  }
  // The home cell's first pass: no peer has published a manifest (renderSteadyState's pass 0).
  const firstDeploy = fixtureOf(await renderStack("prod-use1", { projectDir: PROJECT_DIR }));
  // Through JSON, as the fixtures read it back (drops undefined fields).
  return JSON.parse(JSON.stringify({ steady, firstDeploy })) as StackSnapshot;
}

/*
 * On disk a resource's state is stored as what differs from its inputs (`computed`, and the
 * input keys the state lacks in `dropped`): half the size, and restored exactly.
 */
type StoredResource = Omit<RenderedResource, "state"> & {
  computed: Record<string, unknown>;
  dropped?: string[];
};
type StoredRender = Omit<Render, "resources"> & { resources: StoredResource[] };
interface StoredSnapshot {
  steady: Record<string, Record<string, StoredRender>>;
  firstDeploy: StoredRender;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function toStored(r: Render): StoredRender {
  const resources = r.resources.map(({ state, ...rest }) => {
    const computed = Object.fromEntries(
      Object.entries(state).filter(([k, v]) => !same(rest.inputs[k], v)),
    );
    const dropped = Object.keys(rest.inputs).filter((k) => !(k in state));
    return { ...rest, computed, ...(dropped.length ? { dropped } : {}) };
  });
  return { ...r, resources };
}

function fromStored(r: StoredRender): Render {
  const resources = r.resources.map(({ computed, dropped, ...rest }) => {
    const state: Record<string, unknown> = { ...rest.inputs, ...computed };
    for (const k of dropped ?? []) delete state[k];
    return { ...rest, state };
  });
  return { ...r, resources };
}

let cached: StackSnapshot | undefined;

/** The stored snapshot (read once per process). */
export function stackSnapshot(): StackSnapshot {
  if (!cached) {
    const stored = JSON.parse(fs.readFileSync(STACK_SNAPSHOT_FILE, "utf8")) as StoredSnapshot;
    cached = {
      steady: Object.fromEntries(
        Object.entries(stored.steady).map(([key, cells]) => [
          key,
          Object.fromEntries(Object.entries(cells).map(([region, r]) => [region, fromStored(r)])),
        ]),
      ),
      firstDeploy: fromStored(stored.firstDeploy),
    };
  }
  return cached;
}

/** The snapshot as written to disk. */
function stored(s: StackSnapshot): StoredSnapshot {
  return {
    steady: Object.fromEntries(
      Object.entries(s.steady).map(([key, cells]) => [
        key,
        Object.fromEntries(Object.entries(cells).map(([region, r]) => [region, toStored(r)])),
      ]),
    ),
    firstDeploy: toStored(s.firstDeploy),
  };
}

if (require.main === module) {
  renderStackSnapshot()
    .then((s) => {
      const text = `${JSON.stringify(stored(s))}\n`;
      if (process.argv.includes("--write")) fs.writeFileSync(STACK_SNAPSHOT_FILE, text);
      else process.stdout.write(text);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
