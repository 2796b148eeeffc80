import { MANIFEST_OUTPUT } from "../../manifest";
import { stackPolicy } from "../lib/policy";
import { arnTail, physicalName, str } from "../lib/props";
import { T } from "../lib/types";
import { ownManifest } from "./ownManifest";

export const drManifestComplete = stackPolicy({
  name: "dr-manifest-complete",
  description:
    "The stack exports a valid, complete `drManifest` output that lists every DynamoDB table in the cell. Peers, this pack's parity check and the failover commands all read the cell through it; a missing table is one no peer replicates.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    const own = ownManifest(stack);
    if (own.kind === "missing") {
      report(
        `The stack has no ${MANIFEST_OUTPUT} output; export the cell's manifest (manifest/schema.ts) as ${MANIFEST_OUTPUT} from the program.`,
      );
      return;
    }
    if (own.kind === "invalid") {
      for (const issue of own.error.issues)
        report(`${MANIFEST_OUTPUT}.${issue.key}: ${issue.message}`);
      return;
    }
    const m = own.manifest;
    if (m.deferred.length === 0) {
      const pending: [string, unknown][] = [
        ["stores.aurora", m.stores.aurora],
        ["stores.controlTable", m.stores.controlTable],
        ["stores.cache.globalReplicationGroupId", m.stores.cache.globalReplicationGroupId],
        ["traffic.writerRecord", m.traffic.writerRecord],
        ["traffic.healthCheck.writerHealthCheckId", m.traffic.healthCheck.writerHealthCheckId],
      ];
      // Every peer's replicator exists once nothing is deferred.
      const replicating = new Set(m.stores.msk.replicators.map((r) => r.sourceRegion));
      for (const peer of m.peers.filter((p) => !replicating.has(p.region))) {
        report(
          `${MANIFEST_OUTPUT}.stores.msk.replicators has none from ${peer.region} (${peer.stack}) but ${MANIFEST_OUTPUT}.deferred is empty; add the replicator, or list what the next \`pulumi up\` adds in deferred.`,
        );
      }
      for (const [key, value] of pending) {
        if (value === null) {
          report(
            `${MANIFEST_OUTPUT}.${key} is null but ${MANIFEST_OUTPUT}.deferred is empty; fill it in, or list what the next \`pulumi up\` adds in deferred.`,
          );
        }
      }
    }
    const published = new Set([
      ...m.stores.dynamodb.map((t) => t.tableName),
      ...(m.stores.controlTable ? [m.stores.controlTable.tableName] : []),
    ]);
    const inStack = new Map<string, (typeof stack.resources)[number]>();
    for (const t of stack.ofType(T.dynamoTable)) {
      inStack.set(str(t.props.name) ?? physicalName(t.props, t.name), t);
    }
    for (const r of stack.ofType(T.dynamoReplica)) {
      const name = arnTail(r.props.globalTableArn);
      if (name) inStack.set(name, r);
    }
    for (const [name, resource] of inStack) {
      if (!published.has(name)) {
        report(
          `Table ${name} is not in ${MANIFEST_OUTPUT}.stores.dynamodb; add it so peers replicate it and failover fences it.`,
          resource,
        );
      }
    }
    for (const name of published) {
      if (!inStack.has(name)) {
        report(
          `${MANIFEST_OUTPUT} lists table ${name} but the stack has no aws.dynamodb.Table or TableReplica for it; remove it from the manifest or add the table.`,
        );
      }
    }
  },
});
