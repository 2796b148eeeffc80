import { Command, Option } from "commander";
import { CliDeps } from "../cli/deps";
import { loadManifests } from "../cli/manifests";
import { operatorPolicyDocument } from "../iam/policy";
import { buildTopology } from "../runbooks/topology";
import { CommonOptions, writeJson } from "./common";

/** `iam-policy`: the least-privilege operator policy for these manifests. Calls nothing. */
export function registerIamPolicy(program: Command, deps: CliDeps): void {
  program
    .command("iam-policy")
    .description(
      "Print the least-privilege IAM policy (JSON) an operator role needs to run these commands over the given cells. Calls nothing.",
    )
    .addOption(
      new Option("--manifest <file-or-dir>", "DR manifest file or directory; repeatable")
        .argParser((v: string, prev: string[]) => [...prev, v])
        .default([], "./manifests/"),
    )
    .action((opts: CommonOptions) => {
      const loaded = loadManifests(opts.manifest ?? [], deps.cwd);
      // Age does not matter for a policy; consistency does.
      const topology = buildTopology(loaded, { nowMs: deps.clock.now(), maxAgeDays: Infinity });
      writeJson(deps, operatorPolicyDocument([...topology.cells.values()]));
    });
}
