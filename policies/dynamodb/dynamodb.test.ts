import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, find, passes, runStack, stackInputs } from "../testing/expect";
import { T } from "../lib/types";
import { dynamodbTableStream } from "./tableStream";
import { dynamodbTablePitr } from "./tablePitr";
import { dynamodbTableKms } from "./tableKms";
import { dynamodbReplicaPitr } from "./replicaPitr";
import { dynamodbReplicaKms } from "./replicaKms";
import { dynamodbDeletionProtection } from "./deletionProtection";
import { dynamodbCapacityScales } from "./capacityScales";

describe("policies/dynamodb", () => {
  const table = () => compliant(T.dynamoTable);
  const replica = () => compliant(T.dynamoReplica);

  it("dynamodb-table-stream: needs streams with NEW_AND_OLD_IMAGES", () => {
    passes(dynamodbTableStream, table());
    fails(
      dynamodbTableStream,
      changed(table(), "streamEnabled", false),
      /streamEnabled is false; set streamEnabled: true/,
    );
    fails(
      dynamodbTableStream,
      changed(table(), "streamViewType", "KEYS_ONLY"),
      /streamViewType is "KEYS_ONLY"; global tables need "NEW_AND_OLD_IMAGES"/,
    );
  });

  it("dynamodb-table-pitr: needs point-in-time recovery", () => {
    passes(dynamodbTablePitr, table());
    fails(
      dynamodbTablePitr,
      changed(table(), "pointInTimeRecovery.enabled", false),
      /pointInTimeRecovery\.enabled is false/,
    );
    fails(
      dynamodbTablePitr,
      changed(table(), "pointInTimeRecovery", undefined),
      /pointInTimeRecovery\.enabled is not set/,
    );
  });

  it("dynamodb-table-kms: needs a customer-managed key", () => {
    passes(dynamodbTableKms, table());
    fails(
      dynamodbTableKms,
      changed(table(), "serverSideEncryption.kmsKeyArn", undefined),
      /kmsKeyArn is not set, so DynamoDB uses the AWS-managed key/,
    );
    fails(
      dynamodbTableKms,
      changed(table(), "serverSideEncryption", undefined),
      /serverSideEncryption\.enabled is not set/,
    );
  });

  it("dynamodb-replica-pitr: every replica has PITR", () => {
    passes(dynamodbReplicaPitr, replica());
    fails(
      dynamodbReplicaPitr,
      changed(replica(), "pointInTimeRecovery", undefined),
      /pointInTimeRecovery is not set; set pointInTimeRecovery: true on the TableReplica/,
    );
  });

  it("dynamodb-replica-kms: every replica has its region's key", () => {
    passes(dynamodbReplicaKms, replica());
    fails(
      dynamodbReplicaKms,
      changed(replica(), "kmsKeyArn", undefined),
      /kmsKeyArn is not set, so the replica uses the AWS-managed key/,
    );
  });

  it("dynamodb-deletion-protection: tables and replicas", () => {
    passes(dynamodbDeletionProtection, table());
    passes(dynamodbDeletionProtection, replica());
    fails(
      dynamodbDeletionProtection,
      changed(table(), "deletionProtectionEnabled", false),
      /deletionProtectionEnabled is false/,
    );
    fails(
      dynamodbDeletionProtection,
      changed(replica(), "deletionProtectionEnabled", undefined),
      /deletionProtectionEnabled is not set/,
    );
  });

  it("dynamodb-capacity-scales: on-demand passes; provisioned needs read and write auto scaling", () => {
    assert.deepEqual(runStack(dynamodbCapacityScales, stackInputs("us-east-1")), []);
    const provisioned = stackInputs("us-east-1", (inputs) => {
      find(inputs, T.dynamoTable, "shop-use1-tables-ordersTable").props.billingMode = "PROVISIONED";
    });
    const findings = runStack(dynamodbCapacityScales, provisioned);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].resource, `${T.dynamoTable}::shop-use1-tables-ordersTable`);
    assert.match(
      findings[0].message,
      /Table shop-orders has billingMode "PROVISIONED".*ReadCapacityUnits and dynamodb:table:WriteCapacityUnits/,
    );

    // Adding write scaling only still leaves reads fixed.
    provisioned.push({
      type: T.autoscalingTarget,
      name: "orders-write",
      props: {
        serviceNamespace: "dynamodb",
        resourceId: "table/shop-orders",
        scalableDimension: "dynamodb:table:WriteCapacityUnits",
      },
    });
    assert.match(
      runStack(dynamodbCapacityScales, provisioned)[0].message,
      /no aws\.appautoscaling\.Target for dynamodb:table:ReadCapacityUnits;/,
    );
    provisioned.push({
      type: T.autoscalingTarget,
      name: "orders-read",
      props: {
        serviceNamespace: "dynamodb",
        resourceId: "table/shop-orders",
        scalableDimension: "dynamodb:table:ReadCapacityUnits",
      },
    });
    assert.deepEqual(runStack(dynamodbCapacityScales, provisioned), []);
  });
});
