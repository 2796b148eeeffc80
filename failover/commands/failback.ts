import { Command } from "commander";
import { CliDeps } from "../cli/deps";
import { addRunOptions, executeRun, RunCommandOptions } from "./run";

export function registerFailback(program: Command, deps: CliDeps): void {
  const cmd = program
    .command("failback")
    .description(
      "After a failover, once the old region is back: check it rejoined as a secondary, is still fenced and has caught up (re-protect), then switch over to it (RPO 0).",
    )
    .option("--to <region>", "the region to return the writer to (default: the home region)");
  addRunOptions(cmd, "failback").action((opts: RunCommandOptions) =>
    executeRun("failback", opts, deps),
  );
}
