import * as pulumi from "@pulumi/pulumi";
import { computedOutputs, MOCK_ACCOUNT_ID } from "./mocks";
import { INVOKES } from "./mocks/invokes";

/**
 * Renders a Pulumi program offline with Pulumi's mock runtime: no CLI, no engine, no cloud.
 * Every resource registration is recorded with its inputs and options (parent, protect,
 * ignoreChanges), computed outputs come from `./mocks` so wiring resolves to realistic ARNs
 * and endpoints, StackReferences resolve from `stackOutputs`, and an unknown invoke fails
 * loudly rather than returning nothing.
 *
 * The mock runtime is process-global: renders must not run concurrently (they are awaited
 * one at a time by every caller).
 */

export interface RenderOptions {
  /** Defaults to "dr", the project name in Pulumi.yaml. */
  project?: string;
  stack: string;
  /** Defaults to "organization", Pulumi Cloud's name for an individual account. */
  organization?: string;
  /** The stack's config as `allConfig()` returns it: `{"dr:app": "shop", ...}`. */
  config: Record<string, string>;
  /**
   * Outputs of the stacks the program references, by stack name (short or fully qualified).
   * A referenced stack that is not listed resolves to no outputs, like a stack that was
   * `pulumi stack init`ed but never deployed.
   */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Post-process computed outputs, e.g. to make AWS report a post-switchover state. */
  overrideState?: (resource: MockedResource) => Record<string, unknown> | undefined;
  /** The program; what it returns becomes the stack outputs. */
  program: () => Promise<Record<string, unknown> | void>;
}

export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  region: string;
}

export interface RenderedResource {
  type: string;
  name: string;
  /** Name of the parent resource; undefined for children of the stack. */
  parent?: string;
  custom: boolean;
  /** Inputs as the provider would receive them (Outputs resolved). */
  inputs: Record<string, unknown>;
  /** Computed state the mock returned (inputs plus ARNs, endpoints, ids). */
  state: Record<string, unknown>;
  id?: string;
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  retainOnDelete: boolean;
}

export interface LogEntry {
  severity: "debug" | "info" | "warn" | "error";
  message: string;
}

export interface Render {
  project: string;
  stack: string;
  resources: RenderedResource[];
  outputs: Record<string, unknown>;
  /** Names of the stack outputs that are marked secret. */
  secretOutputs: string[];
  logs: LogEntry[];
}

export async function renderProgram(opts: RenderOptions): Promise<Render> {
  const project = opts.project ?? "dr";
  const organization = opts.organization ?? "organization";
  const region = opts.config["aws:region"] ?? "us-east-1";
  const custom = new Map<
    string,
    { inputs: Record<string, unknown>; state: Record<string, unknown>; id?: string }
  >();
  const order: string[] = [];
  const options = new Map<string, Omit<RenderedResource, "inputs" | "state" | "id">>();
  const names = new WeakMap<object, string>();
  const logs: LogEntry[] = [];
  const key = (type: string, name: string) => `${type}::${name}`;

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = withResourcesAsUrns((args.inputs ?? {}) as Record<string, unknown>);
        let result: { id: string; state: Record<string, unknown> };
        if (args.type === "pulumi:pulumi:StackReference") {
          const ref = String(inputs.name ?? args.name);
          result = { id: ref, state: { name: ref, outputs: lookupStack(opts.stackOutputs, ref) } };
        } else {
          const resourceRegion = typeof inputs.region === "string" ? inputs.region : region;
          const mocked: MockedResource = {
            type: args.type,
            name: args.name,
            inputs,
            region: resourceRegion,
          };
          const computed = computedOutputs(mocked);
          const state = { ...inputs, ...computed.state, ...(opts.overrideState?.(mocked) ?? {}) };
          result = { id: computed.id, state };
        }
        custom.set(key(args.type, args.name), { inputs, state: result.state, id: result.id });
        return result;
      },
      call(args) {
        const invoke = INVOKES[args.token];
        if (invoke) return invoke((args.inputs ?? {}) as Record<string, unknown>, region);
        throw new Error(
          `The offline render does not know the invoke ${args.token}; add it to plan/mocks or avoid it in the program.`,
        );
      },
    },
    project,
    opts.stack,
    false,
    organization,
  );
  pulumi.runtime.setAllConfig(opts.config, []);

  const restoreLog = captureLogs(logs);
  let outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  try {
    const result = await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        // A resource passed as another's input comes back as a rehydrated reference (it has a
        // URN already); it is not a new registration and must not overwrite the original's record.
        if (args.opts.urn !== undefined) return undefined;
        names.set(args.resource, args.name);
        const k = key(args.type, args.name);
        if (!options.has(k)) order.push(k);
        options.set(k, {
          type: args.type,
          name: args.name,
          parent: args.opts.parent ? names.get(args.opts.parent) : undefined,
          custom: args.resource instanceof pulumi.CustomResource,
          protect: args.opts.protect === true,
          ignoreChanges: [...(args.opts.ignoreChanges ?? [])],
          deleteBeforeReplace:
            (args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace === true,
          retainOnDelete: args.opts.retainOnDelete === true,
        });
        return undefined;
      });
      const out = (await opts.program()) ?? {};
      for (const [name, value] of Object.entries(out)) {
        if (
          pulumi.Output.isInstance(value) &&
          (await pulumi.isSecret(value as pulumi.Output<unknown>))
        ) {
          secretOutputs.push(name);
        }
      }
      return out;
    });
    outputs = (result ?? {}) as Record<string, unknown>;
    // Let registrations started by applies settle before reading the record.
    await settle(() => custom.size);
  } finally {
    restoreLog();
  }

  const resources: RenderedResource[] = order
    .filter((k) => !k.startsWith("pulumi:pulumi:Stack::"))
    .map((k) => {
      const o = options.get(k)!;
      const c = custom.get(k);
      return { ...o, inputs: c?.inputs ?? {}, state: c?.state ?? {}, id: c?.id };
    });
  return { project, stack: opts.stack, resources, outputs, secretOutputs, logs };
}

/** Resource references in inputs are recorded as their URNs, as the engine would send them. */
function withResourcesAsUrns(inputs: Record<string, unknown>): Record<string, unknown> {
  const convert = (v: unknown): unknown => {
    if (pulumi.Resource.isInstance(v))
      return `urn:resource:${(v as unknown as { __name?: string }).__name ?? "?"}`;
    if (Array.isArray(v)) return v.map(convert);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, convert(x)]),
      );
    }
    return v;
  };
  return convert(inputs) as Record<string, unknown>;
}

function lookupStack(
  stacks: Record<string, Record<string, unknown>> | undefined,
  ref: string,
): Record<string, unknown> {
  if (!stacks) return {};
  const short = ref.split("/").pop()!;
  return stacks[ref] ?? stacks[short] ?? {};
}

async function settle(size: () => number): Promise<void> {
  let last = -1;
  for (let i = 0; i < 50 && size() !== last; i++) {
    last = size();
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Routes pulumi.log to the render's log while a render runs (the engine is not there). */
function captureLogs(into: LogEntry[]): () => void {
  const log = pulumi.log as unknown as Record<string, (msg: string) => Promise<void>>;
  const saved = { debug: log.debug, info: log.info, warn: log.warn, error: log.error };
  for (const severity of ["debug", "info", "warn", "error"] as const) {
    log[severity] = (message: string) => {
      // Debug carries the SDK's RPC tracing, including why a registration failed.
      into.push({ severity, message });
      return Promise.resolve();
    };
  }
  return () => Object.assign(log, saved);
}

export { MOCK_ACCOUNT_ID };
