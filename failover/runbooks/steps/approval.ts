import { Step } from "../../engine/graph";
import { StepCtx, step } from "../context";

export function approval(c: StepCtx, dependsOn: string[]): Step {
  const budget = c.toCell.budget;
  return step({
    id: "approve",
    title: c.unplanned ? "Confirm data loss" : "Approve",
    dependsOn,
    budgetSeconds: 0,
    timeoutSeconds: 3600,
    approval: c.unplanned
      ? {
          typed: c.run.to,
          prompt: (ctx) => {
            const aurora = ctx.outputs["preflight.aurora"] as { lagSeconds?: number } | undefined;
            const msk = ctx.outputs["preflight.msk"] as { messageLag?: number } | undefined;
            return (
              `FAIL OVER ${c.topology.app} from ${c.run.from} (presumed down, never called) to ${c.run.to}.\n` +
              `Writes in ${c.run.from} that had not replicated are lost. Last known lag: Aurora ` +
              `${aurora?.lagSeconds ?? "unknown"} s, MSK ${msk?.messageLag ?? "unknown"} messages.\n` +
              `${c.run.from} stays fenced until 'failover failback'. Type ${c.run.to} to continue`
            );
          },
        }
      : {
          prompt: () =>
            c.run.kind === "restore"
              ? `Restore writes in ${c.run.to} (still the Aurora writer): record it as the writer and unfence it. Continue?`
              : `${c.run.kind === "failback" ? "Fail back" : "Switch over"} ${c.topology.app}: writer ${c.run.from} -> ${c.run.to} (RPO 0). ` +
                `${c.run.from} is fenced first: writes are refused for about ${budget.promotionSeconds} s. Continue?`,
        },
  });
}
