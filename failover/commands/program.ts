import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { Command, CommanderError } from "commander";
import { AwsAdapters, destroyAwsClients } from "../adapters/aws";
import { colourWanted } from "../cli/colour";
import { CliDeps } from "../cli/deps";
import { EXIT, toExit } from "../cli/errors";
import { packageRoot } from "../cli/packageRoot";
import { systemClock, systemRandom } from "../engine/clock";
import { COMMANDS } from "./index";

export function buildProgram(deps: CliDeps): Command {
  const program = new Command("failover")
    .description(
      "Operator commands for the multi-region DR platform: status, plan, switchover, failover, failback. Data-plane calls only; reads the DR manifests, never the Pulumi backend.",
    )
    .version(packageVersion(), "-V, --version", "print the version of this package and exit")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
    });
  for (const register of COMMANDS) register(program, deps);
  return program;
}

/** The version in package.json, read at run time (from the sources and from the bundle alike). */
export function packageVersion(): string {
  const file = path.join(packageRoot(), "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/**
 * The single error boundary: parses, runs, and maps every failure to an exit code and a
 * message with a resolution. 0 done/healthy, 1 failed/unhealthy (safe, resumable), 2 bad input.
 */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.help" ||
        error.code === "commander.version" ||
        error.exitCode === 0
      ) {
        return EXIT.ok;
      }
      // Commander already printed what was wrong (unknown option, missing argument...).
      return EXIT.badInput;
    }
    const { code, lines } = toExit(error);
    for (const line of lines) deps.stderr.write(line + "\n");
    return code;
  }
}

/** The real world: AWS, the wall clock, the terminal. */
export function realDeps(): CliDeps {
  return {
    adapters: AwsAdapters,
    clock: systemClock,
    random: systemRandom,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: !!process.stdin.isTTY && !!process.stderr.isTTY,
    colour: {
      stdout: colourWanted(process.stdout, process.env),
      stderr: colourWanted(process.stderr, process.env),
    },
    prompt: (question) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
      }),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** How long a finished command waits for stdout to drain before it exits regardless. */
const EXIT_GRACE_MS = 1_000;

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const code = await runCli(argv, realDeps());
  process.exitCode = code;
  // Every call is bounded and aborted, so no socket should be left; closing the clients frees
  // the idle keep-alive ones at once. The unref'd timer is the backstop: if anything else still
  // holds the event loop, the command exits anyway once its output had time to flush.
  destroyAwsClients();
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}
