import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { mskClientTlsOnly } from "./clientTls";
import { mskIamAuth } from "./iamAuth";
import { mskEncryptionAtRest } from "./encryptionAtRest";
import { mskBrokersThreeAzs } from "./threeAzs";
import { mskReplicatorIdenticalTopicNames } from "./replicatorTopicNames";
import { mskReplicatorSyncsConsumerOffsets } from "./replicatorConsumerOffsets";

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
});
