import { Command } from "commander";
import { CliDeps } from "../cli/deps";
import { addRunOptions, executeRun, RunCommandOptions } from "./run";

export function registerFailover(program: Command, deps: CliDeps): void {
  const cmd = program
    .command("failover")
    .description(
      "Unplanned: the writer's region is down. Promotes --to with Aurora FailoverGlobalCluster (AllowDataLoss), fails the cache over, moves writer traffic; never calls the failed region. Needs --allow-data-loss.",
    )
    .option("--to <region>", "the surviving region that becomes the writer");
  addRunOptions(cmd, "failover").action((opts: RunCommandOptions) =>
    executeRun("failover", opts, deps),
  );
}
