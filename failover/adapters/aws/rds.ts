import {
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import { AdapterError, AuroraGlobalClusterState, RdsAdapter, Region } from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

export function awsRds(settings: ClientSettings = {}): RdsAdapter {
  const client = perRegion((region) => new RDSClient(clientConfig(region, settings)));
  return {
    async describeGlobalCluster(region, globalClusterIdentifier) {
      const out = await call(settings, "RDS", "DescribeGlobalClusters", region, (o) =>
        client(region).send(
          new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterIdentifier }),
          o,
        ),
      );
      const g = out.GlobalClusters?.[0];
      if (!g) {
        throw new AdapterError(
          "not-found",
          "RDS",
          "DescribeGlobalClusters",
          region,
          `global cluster ${globalClusterIdentifier} not found in ${region}`,
        );
      }
      const state: AuroraGlobalClusterState = {
        globalClusterIdentifier: g.GlobalClusterIdentifier ?? globalClusterIdentifier,
        status: g.Status ?? "unknown",
        engine: g.Engine ?? "",
        engineVersion: g.EngineVersion ?? "",
        members: (g.GlobalClusterMembers ?? []).map((m) => ({
          clusterArn: m.DBClusterArn ?? "",
          region: regionOfArn(m.DBClusterArn),
          isWriter: m.IsWriter ?? false,
          synchronizationStatus: m.SynchronizationStatus,
        })),
      };
      if (g.FailoverState?.Status) {
        state.failover = {
          status: g.FailoverState.Status,
          fromClusterArn: g.FailoverState.FromDbClusterArn,
          toClusterArn: g.FailoverState.ToDbClusterArn,
          isDataLossAllowed: g.FailoverState.IsDataLossAllowed ?? false,
        };
      }
      return state;
    },
    async switchoverGlobalCluster(region, globalClusterIdentifier, targetClusterArn) {
      await call(settings, "RDS", "SwitchoverGlobalCluster", region, (o) =>
        client(region).send(
          new SwitchoverGlobalClusterCommand({
            GlobalClusterIdentifier: globalClusterIdentifier,
            TargetDbClusterIdentifier: targetClusterArn,
          }),
          o,
        ),
      );
    },
    async failoverGlobalCluster(region, globalClusterIdentifier, targetClusterArn, options) {
      await call(settings, "RDS", "FailoverGlobalCluster", region, (o) =>
        client(region).send(
          new FailoverGlobalClusterCommand({
            GlobalClusterIdentifier: globalClusterIdentifier,
            TargetDbClusterIdentifier: targetClusterArn,
            AllowDataLoss: options.allowDataLoss,
          }),
          o,
        ),
      );
    },
  };
}

function regionOfArn(arn: string | undefined): Region {
  return arn?.split(":")[3] ?? "";
}
