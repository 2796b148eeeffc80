import { PolicyPack } from "@pulumi/policy";
import { DR_POLICIES, PACK_NAME } from "./pack";

// Constructing a PolicyPack starts the analyzer's gRPC server (and may exit the process), so
// this file does nothing else and nothing but the Pulumi CLI imports it. Tests and the offline
// plan use ./evaluate.ts over the same policy objects.
new PolicyPack(PACK_NAME, {
  description:
    "Disaster-recovery invariants for multi-region AWS cells: replication paths, failover records, the RTO budget and parity with the peer cells.",
  enforcementLevel: "advisory",
  policies: DR_POLICIES,
});
