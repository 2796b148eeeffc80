import { Command } from "commander";
import { CliDeps } from "../cli/deps";
import { addRunOptions, executeRun, RunCommandOptions } from "./run";

export function registerSwitchover(program: Command, deps: CliDeps): void {
  const cmd = program
    .command("switchover")
    .description(
      "Planned switch of the writer to --to, RPO 0: preflight, fence the source, drain, Aurora switchover, move writer traffic, unfence, verify.",
    )
    .option("--to <region>", "the region that becomes the writer");
  addRunOptions(cmd, "switchover").action((opts: RunCommandOptions) =>
    executeRun("switchover", opts, deps),
  );
}
