import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { AdapterError, ElastiCacheAdapter } from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

export function awsElastiCache(settings: ClientSettings = {}): ElastiCacheAdapter {
  const client = perRegion((region) => new ElastiCacheClient(clientConfig(region, settings)));
  return {
    async describeGlobalDatastore(region, globalReplicationGroupId) {
      const out = await call(
        settings,
        "ElastiCache",
        "DescribeGlobalReplicationGroups",
        region,
        (o) =>
          client(region).send(
            new DescribeGlobalReplicationGroupsCommand({
              GlobalReplicationGroupId: globalReplicationGroupId,
              ShowMemberInfo: true,
            }),
            o,
          ),
      );
      const g = out.GlobalReplicationGroups?.[0];
      if (!g) {
        throw new AdapterError(
          "not-found",
          "ElastiCache",
          "DescribeGlobalReplicationGroups",
          region,
          `global datastore ${globalReplicationGroupId} not found in ${region}`,
        );
      }
      return {
        globalReplicationGroupId: g.GlobalReplicationGroupId ?? globalReplicationGroupId,
        status: g.Status ?? "unknown",
        members: (g.Members ?? []).map((m) => ({
          replicationGroupId: m.ReplicationGroupId ?? "",
          region: m.ReplicationGroupRegion ?? "",
          role: (m.Role ?? "").toLowerCase(),
          status: m.Status ?? "unknown",
        })),
      };
    },
    async failoverGlobalDatastore(region, id, primaryRegion, primaryReplicationGroupId) {
      await call(settings, "ElastiCache", "FailoverGlobalReplicationGroup", region, (o) =>
        client(region).send(
          new FailoverGlobalReplicationGroupCommand({
            GlobalReplicationGroupId: id,
            PrimaryRegion: primaryRegion,
            PrimaryReplicationGroupId: primaryReplicationGroupId,
          }),
          o,
        ),
      );
    },
  };
}
