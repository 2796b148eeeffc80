import { Command, InvalidArgumentError } from "commander";
import * as fs from "fs";
import * as path from "path";
import { listStacks } from "../config";
import { InputValidationError, isUserInputError } from "../validation/issues";
import { formatPlan, planReport, PlanViolation } from "./summary";
import {
  PeerRenderError,
  PROJECT_DIR,
  renderStack,
  renderWithPeers,
  StackFileError,
  StackRender,
} from "./stack";
import { evaluatePlanPolicies } from "./policies";

/**
 * `npm run plan -- --stack <name> [--json] [--first-deploy] [--show-manifest] [--write-manifest <file>]`
 * Renders the stack offline exactly as `pulumi up` would, runs the DR policy pack over it, and
 * prints a summary. Exit codes: 0 clean, 1 mandatory policy violations, 2 bad input (this
 * stack's config, or a disagreement with a peer stack: the message names the key and the fix),
 * 3 an internal error (a bug: the stack trace is printed).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("plan")
    .description(
      "Render a stack offline (no cloud, no Pulumi CLI), check it against the DR policy pack, summarise it.",
    )
    .requiredOption(
      "-s, --stack <name>",
      `the stack to render (${listStacks(PROJECT_DIR).join(", ")})`,
    )
    .option("--project <dir>", "the directory holding Pulumi.yaml and the stack files", PROJECT_DIR)
    .option("--json", "print the plan as JSON")
    .option("--show-manifest", "also print the DR manifest the stack publishes")
    .option(
      "--first-deploy",
      "render as the very first `pulumi up`: peers exist but have published nothing",
    )
    .option(
      "--write-manifest <file>",
      "also write the stack's DR manifest to this file",
      (v: string) => {
        if (v.trim() === "") throw new InvalidArgumentError("needs a file path.");
        return v;
      },
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const opts = program.opts<{
    stack: string;
    project: string;
    json?: boolean;
    firstDeploy?: boolean;
    writeManifest?: string;
    showManifest?: boolean;
  }>();
  const started = process.hrtime.bigint();
  let render: StackRender;
  let peers: Record<string, StackRender["manifest"]> = {};
  try {
    if (opts.firstDeploy) {
      render = await renderStack(opts.stack, { projectDir: opts.project });
    } else {
      ({ render, peers } = await renderWithPeers(opts.stack, opts.project));
    }
  } catch (e) {
    const cause = e instanceof PeerRenderError ? e.cause : e;
    if (!isUserInputError(cause) && !(cause instanceof StackFileError)) {
      process.stderr.write(`internal error (a bug; please report it):\n${describeBug(e)}\n`);
      return 3;
    }
    process.stderr.write(`${describeError(e)}\n`);
    return 2;
  }
  const violations: PlanViolation[] = evaluatePlanPolicies(render, Object.values(peers));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (opts.writeManifest) {
    fs.mkdirSync(path.dirname(path.resolve(opts.writeManifest)), { recursive: true });
    // Stamped now: the failover commands refuse a manifest older than --max-manifest-age, and
    // the render's own time is pinned for stable output.
    const written = { ...render.manifest, generatedAt: new Date().toISOString() };
    fs.writeFileSync(opts.writeManifest, `${JSON.stringify(written, null, 2)}\n`);
  }
  process.stdout.write(
    opts.json
      ? `${JSON.stringify(planReport(render, violations), null, 2)}\n`
      : `${formatPlan(render, violations, seconds, { showManifest: opts.showManifest })}\n`,
  );
  return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}

/** Config and manifest problems are the user's to fix: print them without a stack trace. */
function describeError(e: unknown): string {
  if (e instanceof InputValidationError) return e.message;
  // A ResourceError from a component, or the program's RunError, carries a user-facing message.
  return `error: ${(e as Error).message}`;
}

function describeBug(e: unknown): string {
  const err = e instanceof PeerRenderError ? e.cause : e;
  return (err as Error)?.stack ?? String(err);
}

if (require.main === module) {
  // exitCode, not exit(): exit() would cut off output still queued for a pipe.
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
