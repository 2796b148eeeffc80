import { z } from "zod";
import { resourcePolicy } from "../lib/policy";
import { T } from "../lib/types";

const DEFAULT_TYPES = [T.globalCluster, T.dynamoTable];

export const globalObjectsProtected = resourcePolicy({
  name: "global-objects-protected",
  description:
    "The objects every region depends on (the Aurora global cluster, the home DynamoDB tables) carry Pulumi's `protect`. A stack rename, a refactor or a `pulumi destroy` on the home stack would otherwise delete replicated data for every region at once.",
  enforcementLevel: "mandatory",
  // The type filter is wide; the configured list decides (see `types` below).
  types: [T.globalCluster, T.dynamoTable, T.globalReplicationGroup, T.kmsKey],
  config: z.strictObject({
    types: z
      .array(
        z.enum([T.globalCluster, T.dynamoTable, T.globalReplicationGroup, T.kmsKey], {
          error: `must be one of ${[T.globalCluster, T.dynamoTable, T.globalReplicationGroup, T.kmsKey].join(", ")}.`,
        }),
        { error: "must be a list of resource type tokens." },
      )
      .default(DEFAULT_TYPES)
      .describe("Resource types that must be protected."),
  }),
  validate: ({ type, opts }, config, report) => {
    if (!config.types.includes(type as (typeof config.types)[number])) return;
    if (!opts.protect) {
      report(
        "the resource is not protected; pass { protect: true } in its resource options (unprotect it deliberately with `pulumi state unprotect` when you mean to delete it).",
      );
    }
  },
});
