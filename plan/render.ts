import * as pulumi from "@pulumi/pulumi";
import { AsyncLocalStorage } from "async_hooks";
import { computedOutputs, MOCK_ACCOUNT_ID } from "./mocks";
import { INVOKES } from "./mocks/invokes";

/**
 * Renders a Pulumi program offline with Pulumi's mock runtime: no CLI, no engine, no cloud.
 * Every resource registration is recorded with its inputs and options (parent, protect,
 * ignoreChanges, dependsOn, provider, and whether it was registered inside an `apply`), every
 * `pulumi.log` message with the resource it names, computed outputs come from `./mocks` so wiring resolves to realistic ARNs
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
  /** Names of the resources in `dependsOn` (an Output-valued dependsOn is recorded as "<output>"). */
  dependsOn: string[];
  /** Name of the explicit provider (`provider` option or inherited from the parent), if any. */
  provider?: string;
  /**
   * True when the resource was constructed inside an `apply` callback: `pulumi preview` does
   * not run callbacks on unknown values, so such a resource is missing from the preview.
   */
  registeredInApply: boolean;
}

export interface LogEntry {
  severity: "debug" | "info" | "warn" | "error";
  message: string;
  /** Name and type of the resource the message was logged against, if any. */
  resource?: string;
  resourceType?: string;
}

/** An explicit provider the program created (`new aws.Provider(...)`), by resource name. */
export interface RenderedProvider {
  name: string;
  type: string;
  /** Its `region` input, if any. */
  region?: string;
}

export interface Render {
  project: string;
  stack: string;
  resources: RenderedResource[];
  outputs: Record<string, unknown>;
  /** Names of the stack outputs that are marked secret. */
  secretOutputs: string[];
  logs: LogEntry[];
  /** Explicit providers by resource name. */
  providers: Record<string, RenderedProvider>;
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
  const types = new WeakMap<object, string>();
  const pendingDependsOn: { key: string; value: unknown }[] = [];
  const providers: Record<string, RenderedProvider> = {};
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
        if (args.type.startsWith("pulumi:providers:")) {
          providers[args.name] = {
            name: args.name,
            type: args.type,
            ...(typeof inputs.region === "string" ? { region: inputs.region } : {}),
          };
        }
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

  const restoreLog = captureLogs(logs, (r) =>
    r ? { resource: names.get(r), resourceType: types.get(r) } : {},
  );
  const restoreApply = trackApplyCallbacks();
  const strays = trapStrayRejections();
  let outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  let failure: { error: unknown } | undefined;
  try {
    const result = await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        // A resource passed as another's input comes back as a rehydrated reference (it has a
        // URN already); it is not a new registration and must not overwrite the original's record.
        if (args.opts.urn !== undefined) return undefined;
        names.set(args.resource, args.name);
        types.set(args.resource, args.type);
        const k = key(args.type, args.name);
        if (!options.has(k)) order.push(k);
        if (args.opts.dependsOn !== undefined) {
          pendingDependsOn.push({ key: k, value: args.opts.dependsOn });
        }
        const explicitProvider =
          (args.opts as pulumi.CustomResourceOptions).provider ??
          inheritedProvider(args.opts.parent, args.type);
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
          dependsOn: [],
          provider: explicitProvider ? names.get(explicitProvider) : undefined,
          registeredInApply: insideApply.getStore() === true,
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
    for (const { key: k, value } of pendingDependsOn) {
      options.get(k)!.dependsOn = await dependencyNames(value, names);
    }
  } catch (error) {
    failure = { error };
  } finally {
    // The runtime's own promises (the stack's outputs) reject with a failed program's error
    // after the render has returned; let them surface here, not as a crash after it.
    await settle(() => strays.reasons.length);
    strays.release();
    restoreApply();
    restoreLog();
  }
  if (failure) throw failure.error;
  const stray = strays.reasons[0];
  if (stray !== undefined) {
    // A promise the program left rejected fails a real deployment too.
    throw stray instanceof Error ? stray : new Error(String(stray));
  }

  const resources: RenderedResource[] = order
    .filter((k) => !k.startsWith("pulumi:pulumi:Stack::"))
    .map((k) => {
      const o = options.get(k)!;
      const c = custom.get(k);
      return { ...o, inputs: c?.inputs ?? {}, state: c?.state ?? {}, id: c?.id };
    });
  return { project, stack: opts.stack, resources, outputs, secretOutputs, logs, providers };
}

/** The provider a resource inherits from its parent chain for its package, if explicit. */
function inheritedProvider(
  parent: pulumi.Resource | undefined,
  type: string,
): pulumi.ProviderResource | undefined {
  const pkg = type.split(":")[0];
  const providers = (parent as unknown as { __providers?: Record<string, pulumi.ProviderResource> })
    ?.__providers;
  return providers?.[pkg];
}

async function dependencyNames(value: unknown, names: WeakMap<object, string>): Promise<string[]> {
  if (pulumi.Output.isInstance(value)) return ["<output>"];
  const resolved = await value;
  const list = Array.isArray(resolved) ? resolved : [resolved];
  const out: string[] = [];
  for (const d of list) {
    const r = await d;
    if (pulumi.Output.isInstance(r)) out.push("<output>");
    else if (r && typeof r === "object") out.push(names.get(r) ?? "<unknown>");
  }
  return out;
}

/** True while an `Output.apply` callback (or anything it awaits) runs. */
const insideApply = new AsyncLocalStorage<boolean>();

/**
 * Runs every `apply` callback inside `insideApply`, so a resource constructed by one is marked
 * (the async context follows the callback across its awaits). Returns the undo.
 */
function trackApplyCallbacks(): () => void {
  const proto = (pulumi.Output as unknown as { prototype: Record<string, unknown> }).prototype;
  const original = proto.apply as (func: (v: unknown) => unknown, ...rest: unknown[]) => unknown;
  proto.apply = function (this: unknown, func: (v: unknown) => unknown, ...rest: unknown[]) {
    return original.call(this, (v: unknown) => insideApply.run(true, () => func(v)), ...rest);
  };
  return () => {
    proto.apply = original;
  };
}

/** Collects the rejections no one handles while a render runs. */
function trapStrayRejections(): { reasons: unknown[]; release: () => void } {
  const reasons: unknown[] = [];
  const onRejection = (reason: unknown) => {
    // A test runner may re-emit the same rejection; keep each once.
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  process.on("unhandledRejection", onRejection);
  return { reasons, release: () => process.off("unhandledRejection", onRejection) };
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
function captureLogs(
  into: LogEntry[],
  attribute: (resource: pulumi.Resource | undefined) => Omit<LogEntry, "severity" | "message">,
): () => void {
  const log = pulumi.log as unknown as Record<
    string,
    (msg: string, resource?: pulumi.Resource) => Promise<void>
  >;
  const saved = { debug: log.debug, info: log.info, warn: log.warn, error: log.error };
  for (const severity of ["debug", "info", "warn", "error"] as const) {
    log[severity] = (message: string, resource?: pulumi.Resource) => {
      // Debug carries the SDK's RPC tracing, including why a registration failed.
      const about = attribute(resource);
      into.push({
        severity,
        message,
        ...(about.resource ? about : {}),
      });
      return Promise.resolve();
    };
  }
  return () => Object.assign(log, saved);
}

export { MOCK_ACCOUNT_ID };
