import { Argument, Command } from "commander";
import { CliDeps } from "../cli/deps";
import { UserError } from "../cli/errors";
import { plannedCriticalPath, waves } from "../engine/graph";
import { DEFAULT_RETRY, withRetry } from "../engine/retry";
import { buildRunbook, cell, nextEpoch, resolveCurrentState, RunbookKind } from "../runbooks";
import {
  addCommonOptions,
  checkTargetRegion,
  CommonOptions,
  loadInputs,
  writeJson,
} from "./common";

interface PlanOptions extends CommonOptions {
  to?: string;
  from?: string;
}

/**
 * `plan`: the steps a run would take, their order, what runs in parallel and the budgeted
 * time. Never calls anything that changes state; with --from it calls nothing at all.
 */
export function registerPlan(program: Command, deps: CliDeps): void {
  const cmd = program
    .command("plan")
    .description(
      "Show the steps a switchover, failover or failback would run, their order, which run in parallel, and the budgeted time. Changes nothing.",
    )
    .addArgument(
      new Argument("<kind>", "which runbook").choices(["switchover", "failover", "failback"]),
    )
    .option("--to <region>", "the region that would become the writer (failback: default home)")
    .option(
      "--from <region>",
      "the current writer; given, the plan needs no AWS call at all (default: read it from Aurora in --to)",
    );
  addCommonOptions(cmd).action(async (kind: RunbookKind, opts: PlanOptions) => {
    const { topology, adapters } = loadInputs(opts, deps);
    const toArg = opts.to ?? (kind === "failback" ? topology.homeRegion : undefined);
    if (!toArg) {
      throw new UserError(
        `'plan ${kind}' needs --to <region>`,
        `pass --to, e.g. --to ${topology.regions[1] ?? topology.regions[0]}.`,
      );
    }
    const to = checkTargetRegion(toArg, topology);
    let from: string;
    let epoch: number | undefined;
    if (opts.from !== undefined) {
      from = checkTargetRegion(opts.from, topology, "--from");
    } else {
      const state = await withRetry(() => resolveCurrentState(topology, adapters, to), {
        clock: deps.clock,
        random: deps.random,
        policy: { ...DEFAULT_RETRY, maxAttempts: 3 },
      });
      if (!state.writer) {
        throw new UserError("no writer could be determined", "pass --from <region>.");
      }
      from = state.writer;
      epoch = nextEpoch(state);
    }
    if (from === to) {
      throw new UserError(
        `${to} is already the writer`,
        `plan towards another region (${topology.regions.filter((r) => r !== to).join(", ")}), or pass --from.`,
      );
    }
    const target = cell(topology, to);
    const steps = buildRunbook(
      {
        kind,
        from,
        to,
        epoch: epoch ?? 0,
        thresholds: {
          maxLagSeconds: target.targets.rpoSeconds,
          drainLagSeconds: 1,
          drainMessages: 0,
        },
      },
      { topology, adapters },
    );
    const groups = waves(steps);
    const cp = plannedCriticalPath(steps);
    const plan = {
      kind,
      app: topology.app,
      from,
      to,
      epoch: epoch ?? null,
      steps: steps.map((s) => ({
        id: s.id,
        title: s.title,
        region: s.region ?? null,
        mutates: s.mutates,
        approval: !!s.approval,
        dependsOn: s.dependsOn,
        budgetSeconds: s.budgetSeconds,
        timeoutSeconds: s.timeoutSeconds,
        startsAtSeconds: cp.startAt[s.id],
      })),
      waves: groups.map((g) => g.map((s) => s.id)),
      criticalPath: { steps: cp.steps, seconds: cp.seconds },
      sumOfStepsSeconds: steps.reduce((t, s) => t + s.budgetSeconds, 0),
      targets: { ...target.targets, budgetSeconds: target.budget.totalSeconds },
    };
    if (opts.json) {
      writeJson(deps, plan);
      return;
    }
    const out = deps.stdout;
    out.write(`plan: ${kind} ${topology.app} ${from} -> ${to}\n`);
    // The id column fits the longest id (consumer steps are longer than the others).
    const idWidth = Math.max(20, ...steps.map((s) => s.id.length));
    groups.forEach((g, i) => {
      out.write(`\n${i + 1}. ${g.length > 1 ? `in parallel (${g.length})` : "then"}\n`);
      for (const s of g) {
        const tag = s.approval ? "approve" : s.mutates ? "CHANGES" : "read";
        out.write(
          `   ${s.id.padEnd(idWidth)} ${tag.padEnd(8)} ${(s.region ?? "").padEnd(14)} ~${String(s.budgetSeconds).padStart(4)} s  ${s.title}\n`,
        );
      }
    });
    out.write(
      `\ncritical path: ${cp.steps.join(" -> ")}\nbudgeted time: ${cp.seconds} s (steps in sequence: ${plan.sumOfStepsSeconds} s; approvals not counted)\n` +
        `targets: RTO ${target.targets.rtoSeconds} s, RPO ${target.targets.rpoSeconds} s (${target.targets.tier})\n`,
    );
  });
}
