import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { InputIssue } from "../../validation/issues";
import { CliDeps } from "../cli/deps";
import { UserError } from "../cli/errors";
import { loadManifests } from "../cli/manifests";
import type { Emulator, FaultSpec } from "../emulator";
import { ParamOverrides } from "../simulator/params";
import { buildTopology } from "../runbooks/topology";
import { addCommonOptions, CommonOptions, writeJson } from "./common";

interface EmulateOptions extends CommonOptions {
  port: number;
  host: string;
  faults?: string;
  params?: string;
  seed: number;
}

const DOC = "docs/emulator.md";

const wholeNumber = (flag: string, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new UserError(
      `${flag} '${v}' is not a whole number from 0 to ${max}`,
      `pass ${flag} <n>, e.g. ${flag} 0${flag === "--port" ? " (any free port)" : ""}.`,
    );
  }
  return n;
};

/**
 * `failover emulate`: a loopback AWS region emulator for wire-level tests. Serves the DR
 * manifests' regions (Aurora, DynamoDB incl. the control table, MSK, ElastiCache, Route 53,
 * CloudWatch gates, ARC) from the region simulator running in real time, on one port that the
 * real SDK clients reach with AWS_ENDPOINT_URL. Runs until SIGTERM or SIGINT.
 */
export function registerEmulate(program: Command, deps: CliDeps): void {
  const cmd = program
    .command("emulate")
    .description(
      `Serve an emulated AWS (the manifests' regions, from the region simulator in real time) on a loopback port for wire-level tests; point SDK clients at it with AWS_ENDPOINT_URL. Runs until SIGTERM/SIGINT. See ${DOC}.`,
    )
    .addOption(
      new Option("--port <n>", "port to listen on; 0 picks a free one")
        .argParser(wholeNumber("--port", 65535))
        .default(0),
    )
    .option(
      "--host <address>",
      "loopback address to bind (127.0.0.1, ::1 or localhost)",
      "127.0.0.1",
    )
    .option("--faults <file>", `faults to inject: a JSON list (see ${DOC})`)
    .option("--params <file>", "simulator parameters (JSON) over the emulator's fast defaults")
    .addOption(
      new Option("--seed <n>", "seed of the simulation and of error-rate draws")
        .argParser(wholeNumber("--seed", 2 ** 31))
        .default(1),
    );
  addCommonOptions(cmd).action((opts: EmulateOptions) => emulate(opts, deps));
}

/** The emulator (a server and the simulator's models), loaded by this command only. */
/* eslint-disable @typescript-eslint/no-require-imports */
const emulatorModule = (): typeof import("../emulator") => require("../emulator");
const servicesModule = (): typeof import("../emulator/services") => require("../emulator/services");
/* eslint-enable @typescript-eslint/no-require-imports */

async function emulate(opts: EmulateOptions, deps: CliDeps): Promise<void> {
  const { Emulator, isLoopback } = emulatorModule();
  if (!isLoopback(opts.host)) {
    throw new UserError(
      `--host ${opts.host} is not a loopback address`,
      "the emulator checks no signatures and holds no secrets; bind it to 127.0.0.1, ::1 or localhost only.",
    );
  }
  const loaded = loadManifests(opts.manifest ?? [], deps.cwd);
  const topology = buildTopology(loaded, {
    nowMs: deps.clock.now(),
    maxAgeDays: opts.maxManifestAge,
  });
  const manifests = topology.regions.map((r) => topology.cells.get(r)!);
  const params = opts.params ? readParams(opts.params, deps.cwd) : undefined;
  const faults = opts.faults
    ? readFaults(opts.faults, deps.cwd, {
        worldRegions: topology.regions,
        listenerRegions: [...new Set([...topology.regions, ...servicesModule().ARC_REGIONS])],
      })
    : [];
  let emulator: Emulator;
  try {
    emulator = await Emulator.start({
      manifests,
      host: opts.host,
      port: opts.port,
      params,
      faults,
      seed: opts.seed,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new UserError(
        `cannot listen on ${opts.host}:${opts.port} (${code})`,
        "pick another --port, or --port 0 for any free port.",
      );
    }
    throw e;
  }
  // The one line tests wait for; everything else goes to stderr.
  if (opts.json) writeJson(deps, { url: emulator.url, endpoints: emulator.endpoints() });
  else deps.stdout.write(`emulator listening on ${emulator.url}\n`);
  for (const [region, url] of Object.entries(emulator.endpoints())) {
    deps.stderr.write(`  ${region} own listener (for refused faults): ${url}\n`);
  }
  deps.stderr.write(
    `  regions ${topology.regions.join(", ")}; admin API ${emulator.url}/_emulator/state; stop with SIGTERM or Ctrl-C\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  await emulator.close();
  deps.stderr.write(`emulator stopped (${signal})\n`);
}

function readJson(file: string, cwd: string, flag: string): unknown {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    throw new UserError(
      `${flag} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      `check the path; ${flag} takes a JSON file (see ${DOC}).`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${flag} ${file} is not JSON (${(e as Error).message})`,
      `write it as JSON (see ${DOC}).`,
    );
  }
}

function invalid(file: string, flag: string, issues: InputIssue[], fix: string): UserError {
  return new UserError(
    `${flag} ${file} is invalid: ${issues.map((i) => `${i.key}: ${i.message}`).join("; ")}`,
    fix,
  );
}

function readFaults(
  file: string,
  cwd: string,
  targets: { worldRegions: string[]; listenerRegions: string[] },
): FaultSpec[] {
  const r = emulatorModule().parseFaults(readJson(file, cwd, "--faults"), targets);
  if ("issues" in r) {
    throw invalid(
      file,
      "--faults",
      r.issues,
      `fix the keys named; each fault is {"type": "black-hole" | "reset" | "slow" | "refused" | "error" | "outage" | "isolation" | "partition", "region": ..., ...} (see ${DOC}).`,
    );
  }
  return r.faults;
}

function readParams(file: string, cwd: string): ParamOverrides {
  const r = emulatorModule().parseParams(readJson(file, cwd, "--params"));
  if ("issues" in r) {
    throw invalid(
      file,
      "--params",
      r.issues,
      'fix the keys named; the sections and names are those of failover/simulator/params.ts, e.g. {"aurora": {"switchoverSeconds": {"kind": "constant", "value": 2}}}.',
    );
  }
  return r.params;
}
