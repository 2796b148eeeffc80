import { z } from "zod";
import { resourcePolicy } from "../lib/policy";
import { num, shown } from "../lib/props";
import { T } from "../lib/types";

export const auroraBackupRetention = resourcePolicy({
  name: "aurora-backup-retention",
  description:
    "Aurora clusters keep automated backups for at least the configured number of days (default 7). Replication copies corruption to every region; backups are what a restore starts from.",
  enforcementLevel: "mandatory",
  types: [T.auroraCluster],
  config: z.strictObject({
    minDays: z
      .number({ error: "must be a whole number of days from 1 to 35." })
      .int({ error: "must be a whole number of days from 1 to 35." })
      .min(1, { error: "must be at least 1 day." })
      .max(35, { error: "must be at most 35 days (Aurora's maximum)." })
      .default(7)
      .describe("Minimum automated backup retention in days."),
  }),
  validate: ({ props }, { minDays }, report) => {
    // Aurora keeps 1 day when backupRetentionPeriod is left out.
    const days = num(props.backupRetentionPeriod) ?? 1;
    if (days < minDays) {
      report(
        `backupRetentionPeriod is ${shown(props.backupRetentionPeriod)} (${days} day${days === 1 ? "" : "s"}); set it to at least ${minDays}.`,
      );
    }
  },
});
