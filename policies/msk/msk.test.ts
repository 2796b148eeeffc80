import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { mskClientTlsOnly } from "./clientTlsOnly";
import { mskIamAuth } from "./iamAuth";
import { mskEncryptionAtRest } from "./encryptionAtRest";
import { mskBrokersThreeAzs } from "./brokersThreeAzs";
import { mskReplicatorIdenticalTopicNames } from "./replicatorIdenticalTopicNames";
import { mskReplicatorSyncsConsumerOffsets } from "./replicatorSyncsConsumerOffsets";
import { mskReplicatorEnhancedOffsetSync } from "./replicatorEnhancedOffsetSync";
import { mskReplicatorPerPeer } from "./replicatorPerPeer";
import { find, runStack, stackInputs } from "../testing/expect";
import { STACK_TYPE } from "../lib/policy";
import type { PolicyInput } from "../run";
import type { DrManifest } from "../../manifest";
import { strict as assert } from "assert";

describe("policies/msk", () => {
  const cluster = () => compliant(T.mskCluster);
  const replicator = () => compliant(T.mskReplicator);

  it("msk-client-tls-only: TLS between clients and brokers and inside the cluster", () => {
    passes(mskClientTlsOnly, cluster());
    // AWS's defaults are TLS and in-cluster encryption.
    passes(mskClientTlsOnly, changed(cluster(), "encryptionInfo.encryptionInTransit", undefined));
    fails(
      mskClientTlsOnly,
      changed(cluster(), "encryptionInfo.encryptionInTransit.clientBroker", "TLS_PLAINTEXT"),
      /clientBroker is "TLS_PLAINTEXT"; set it to "TLS"/,
    );
    fails(
      mskClientTlsOnly,
      changed(cluster(), "encryptionInfo.encryptionInTransit.inCluster", false),
      /inCluster is false; set it to true/,
    );
  });

  it("msk-iam-auth: IAM on, unauthenticated off", () => {
    passes(mskIamAuth, cluster());
    fails(
      mskIamAuth,
      changed(cluster(), "clientAuthentication.sasl.iam", false),
      /clientAuthentication\.sasl\.iam is false/,
    );
    fails(
      mskIamAuth,
      changed(cluster(), "clientAuthentication.unauthenticated", true),
      /clientAuthentication\.unauthenticated is true; set it to false/,
    );
  });

  it("msk-encryption-at-rest: the cell's KMS key", () => {
    passes(mskEncryptionAtRest, cluster());
    fails(
      mskEncryptionAtRest,
      changed(cluster(), "encryptionInfo.encryptionAtRestKmsKeyArn", undefined),
      /encryptionAtRestKmsKeyArn is not set, so MSK uses the AWS-managed key/,
    );
  });

  it("msk-brokers-three-azs: 3 subnets, a multiple of 3 brokers", () => {
    passes(mskBrokersThreeAzs, cluster());
    passes(mskBrokersThreeAzs, changed(cluster(), "numberOfBrokerNodes", 6));
    fails(
      mskBrokersThreeAzs,
      changed(cluster(), "brokerNodeGroupInfo.clientSubnets", ["subnet-a", "subnet-b"]),
      /clientSubnets has 2 subnet\(s\)/,
    );
    fails(
      mskBrokersThreeAzs,
      changed(cluster(), "numberOfBrokerNodes", 4),
      /numberOfBrokerNodes is 4; use a multiple of the number of AZs/,
    );
  });

  it("msk-replicator-identical-topic-names", () => {
    passes(mskReplicatorIdenticalTopicNames, replicator());
    fails(
      mskReplicatorIdenticalTopicNames,
      changed(
        replicator(),
        "replicationInfoList.topicReplications.0.topicNameConfiguration",
        undefined,
      ),
      /topicReplications\[0\]\.topicNameConfiguration\.type is not set \(AWS defaults to PREFIXED_WITH_SOURCE_CLUSTER_ALIAS\); set it to "IDENTICAL"/,
    );
    fails(
      mskReplicatorIdenticalTopicNames,
      changed(replicator(), "replicationInfoList.topicReplications", []),
      /topicReplications is empty/,
    );
  });

  it("msk-replicator-syncs-consumer-offsets", () => {
    passes(mskReplicatorSyncsConsumerOffsets, replicator());
    fails(
      mskReplicatorSyncsConsumerOffsets,
      changed(
        replicator(),
        "replicationInfoList.consumerGroupReplications.0.synchroniseConsumerGroupOffsets",
        false,
      ),
      /consumerGroupReplications\[0\]\.synchroniseConsumerGroupOffsets is false; set it to true/,
    );
    fails(
      mskReplicatorSyncsConsumerOffsets,
      changed(replicator(), "replicationInfoList.consumerGroupReplications", []),
      /consumerGroupReplications is empty/,
    );
    fails(
      mskReplicatorSyncsConsumerOffsets,
      changed(
        replicator(),
        "replicationInfoList.consumerGroupReplications.0.consumerGroupsToReplicates",
        [],
      ),
      /consumerGroupsToReplicates is empty/,
    );
  });

  it("msk-replicator-enhanced-offset-sync", () => {
    passes(mskReplicatorEnhancedOffsetSync, replicator());
    const key = "replicationInfoList.consumerGroupReplications.0.consumerGroupOffsetSyncMode";
    fails(
      mskReplicatorEnhancedOffsetSync,
      changed(replicator(), key, "LEGACY"),
      /consumerGroupOffsetSyncMode is "LEGACY" .*can fail over to this cell but not back/,
    );
    fails(
      mskReplicatorEnhancedOffsetSync,
      changed(replicator(), key, undefined),
      /consumerGroupOffsetSyncMode is not set \(AWS defaults to LEGACY\)/,
    );
    fails(
      mskReplicatorEnhancedOffsetSync,
      changed(
        replicator(),
        "replicationInfoList.topicReplications.0.topicNameConfiguration.type",
        "PREFIXED_WITH_SOURCE_CLUSTER_ALIAS",
      ),
      /"ENHANCED" but .*AWS requires identical names/,
    );
  });

  describe("msk-replicator-per-peer", () => {
    const manifestOf = (inputs: PolicyInput[]) =>
      (find(inputs, STACK_TYPE).props as { drManifest: DrManifest }).drManifest;
    const replicators = (inputs: PolicyInput[]) => inputs.filter((i) => i.type === T.mskReplicator);

    it("passes both compliant cells: one replicator from the one peer", () => {
      for (const region of ["us-east-1", "eu-west-1"] as const) {
        const inputs = stackInputs(region);
        assert.equal(replicators(inputs).length, 1);
        assert.deepEqual(runStack(mskReplicatorPerPeer, inputs), []);
      }
    });

    it("wants N-1 replicators: a third cell's peer without one fails unless it is deferred", () => {
      const inputs = stackInputs("eu-west-1", (i) => {
        manifestOf(i).peers.push({ stack: "prod-apse1", region: "ap-southeast-1" });
      });
      const [finding, ...rest] = runStack(mskReplicatorPerPeer, inputs);
      assert.deepEqual(rest, []);
      assert.match(finding.message, /No MSK replicator pulls from ap-southeast-1 \(prod-apse1\)/);
      manifestOf(inputs).deferred = [
        "MSK Replicator from ap-southeast-1 into shop-euw1-msk (topics orders): the peer's cluster is not known yet",
      ];
      assert.deepEqual(runStack(mskReplicatorPerPeer, inputs), []);
    });

    it("refuses the replicator of a peer that is missing, doubled or not a peer", () => {
      const missing = stackInputs("eu-west-1", (i) => {
        i.splice(i.indexOf(replicators(i)[0]), 1);
      });
      assert.match(
        runStack(mskReplicatorPerPeer, missing)[0].message,
        /No MSK replicator pulls from us-east-1 \(prod-use1\)/,
      );
      const doubled = stackInputs("eu-west-1", (i) => {
        i.push({ ...structuredClone(replicators(i)[0]), name: "shop-mskReplicator-copy" });
      });
      assert.match(
        runStack(mskReplicatorPerPeer, doubled)[0].message,
        /A second MSK replicator pulls from us-east-1/,
      );
      const stranger = stackInputs("eu-west-1", (i) => {
        manifestOf(i).peers = [];
      });
      assert.match(
        runStack(mskReplicatorPerPeer, stranger)[0].message,
        /pulls from us-east-1, which is not a peer of this cell/,
      );
    });
  });
});
