import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import type { PolicyInput } from "../run";

/*
 * Drives the pack the way the Pulumi CLI does: starts `@pulumi/pulumi/cmd/run-policy-pack
 * <engine-address> <pack-dir>` in the pack directory (ts-node compiles index.ts with type
 * checking, exactly as under `pulumi preview --policy-pack policies`), reads the port the
 * analyzer prints, and speaks the Analyzer gRPC protocol to it.
 */

export const PACK_DIR = path.resolve(__dirname, "..");

export interface Diagnostic {
  policy: string;
  level: "advisory" | "mandatory" | "disabled" | "remediate";
  message: string;
  urn: string;
}

const LEVEL_NAMES = ["advisory", "mandatory", "disabled", "remediate"] as const;
const LEVEL_CODES: Record<string, pb.EnforcementLevel> = {
  advisory: pb.EnforcementLevel.ADVISORY,
  mandatory: pb.EnforcementLevel.MANDATORY,
  disabled: pb.EnforcementLevel.DISABLED,
  remediate: pb.EnforcementLevel.REMEDIATE,
};

export class AnalyzerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly client: AnalyzerClient,
    readonly stderr: () => string,
  ) {}

  /** Starts the pack as the CLI would and connects to it; rejects with its stderr on failure. */
  static async start(timeoutMs = 45000): Promise<AnalyzerProcess> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    // The CLI passes its engine address first; the pack does not call the engine back.
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", PACK_DIR], {
      cwd: PACK_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`the pack printed no port within ${timeoutMs} ms; stderr:\n${err}`));
      }, timeoutMs);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the pack exited with ${code} before printing a port; stderr:\n${err}`));
      });
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new AnalyzerProcess(child, client, () => err);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }

  info(): Promise<pb.AnalyzerInfo> {
    return new Promise((resolve, reject) =>
      this.client.getAnalyzerInfo(new Empty(), (e, r) => (e ? reject(e) : resolve(r!))),
    );
  }

  /** Sends `Configure` with a `--policy-pack-config`-shaped object. */
  configure(
    config: Record<string, { enforcementLevel?: string; [k: string]: unknown }>,
  ): Promise<void> {
    const req = new pb.ConfigureAnalyzerRequest();
    for (const [name, { enforcementLevel, ...props }] of Object.entries(config)) {
      const pc = new pb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_CODES[enforcementLevel ?? "advisory"]);
      pc.setProperties(Struct.fromJavaScript(json(props)));
      req.getPolicyconfigMap().set(name, pc);
    }
    return new Promise((resolve, reject) =>
      this.client.configure(req, (e) => (e ? reject(e) : resolve())),
    );
  }

  analyze(input: PolicyInput, stack = "test"): Promise<Diagnostic[]> {
    const req = new pb.AnalyzeRequest();
    req.setType(input.type);
    req.setName(input.name);
    req.setUrn(urn(input, stack));
    req.setProperties(Struct.fromJavaScript(json(input.props)));
    req.setOptions(options(input));
    return new Promise((resolve, reject) =>
      this.client.analyze(req, (e, r) => (e ? reject(e) : resolve(diagnostics(r!)))),
    );
  }

  analyzeStack(inputs: PolicyInput[], stack = "test"): Promise<Diagnostic[]> {
    const req = new pb.AnalyzeStackRequest();
    const urns = new Map(inputs.map((i) => [i.name, urn(i, stack)]));
    req.setResourcesList(
      inputs.map((input) => {
        const r = new pb.AnalyzerResource();
        r.setType(input.type);
        r.setName(input.name);
        r.setUrn(urns.get(input.name)!);
        r.setProperties(Struct.fromJavaScript(json(input.props)));
        r.setOptions(options(input));
        if (input.parent && urns.has(input.parent)) r.setParent(urns.get(input.parent)!);
        return r;
      }),
    );
    return new Promise((resolve, reject) =>
      this.client.analyzeStack(req, (e, r) => (e ? reject(e) : resolve(diagnostics(r!)))),
    );
  }
}

export function urn(input: Pick<PolicyInput, "type" | "name">, stack = "test"): string {
  return `urn:pulumi:${stack}::dr::${input.type}::${input.name}`;
}

function options(input: PolicyInput): pb.AnalyzerResourceOptions {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(input.protect ?? false);
  o.setIgnorechangesList(input.ignoreChanges ?? []);
  return o;
}

function diagnostics(r: pb.AnalyzeResponse): Diagnostic[] {
  return r.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: LEVEL_NAMES[d.getEnforcementlevel()],
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

/** Structs hold JSON only: drop undefined the way the engine's marshalling does. */
function json(value: Record<string, unknown>): Record<string, never> {
  return JSON.parse(JSON.stringify(value)) as Record<string, never>;
}
