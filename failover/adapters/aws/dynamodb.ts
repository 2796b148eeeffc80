import {
  AttributeValue,
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  ConditionalWriteResult,
  DynamoDbAdapter,
  FenceRecord,
  Region,
  WriterRecord,
} from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

/** The control table's partition key (DESIGN: `pk`). */
export const CONTROL_KEY = "pk";
export const WRITER_PK = "writer";
export const fencePk = (region: Region) => `fence#${region}`;

export function awsDynamoDb(settings: ClientSettings = {}): DynamoDbAdapter {
  const client = perRegion((region) => new DynamoDBClient(clientConfig(region, settings)));

  const getItem = (region: Region, tableName: string, pk: string) =>
    call(settings, "DynamoDB", "GetItem", region, (o) =>
      client(region).send(
        new GetItemCommand({
          TableName: tableName,
          Key: { [CONTROL_KEY]: { S: pk } },
          // Strongly consistent within the region: the same read applications must make.
          ConsistentRead: true,
        }),
        o,
      ),
    );

  const conditionalPut = async (
    region: Region,
    tableName: string,
    item: Record<string, AttributeValue>,
    sameValue: { name: string; value: AttributeValue },
    epoch: number,
  ): Promise<ConditionalWriteResult> => {
    try {
      await call(settings, "DynamoDB", "PutItem", region, (o) =>
        client(region).send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            // Newer epoch wins; the same write again is a no-op success (idempotent steps).
            ConditionExpression:
              "attribute_not_exists(#pk) OR #epoch < :epoch OR (#epoch = :epoch AND #v = :v)",
            ExpressionAttributeNames: {
              "#pk": CONTROL_KEY,
              "#epoch": "epoch",
              "#v": sameValue.name,
            },
            ExpressionAttributeValues: { ":epoch": { N: String(epoch) }, ":v": sameValue.value },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
          o,
        ),
      );
      return { outcome: "written" };
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause;
      if (
        cause instanceof ConditionalCheckFailedException ||
        (cause as Error)?.name === "ConditionalCheckFailedException"
      ) {
        const old = (cause as ConditionalCheckFailedException).Item;
        return {
          outcome: "superseded",
          currentEpoch: old?.epoch?.N !== undefined ? Number(old.epoch.N) : undefined,
        };
      }
      throw e;
    }
  };

  return {
    async describeTable(region, tableName) {
      const out = await call(settings, "DynamoDB", "DescribeTable", region, (o) =>
        client(region).send(new DescribeTableCommand({ TableName: tableName }), o),
      );
      return {
        tableName,
        region,
        tableStatus: out.Table?.TableStatus ?? "UNKNOWN",
        replicas: (out.Table?.Replicas ?? []).map((r) => ({
          region: r.RegionName ?? "",
          status: r.ReplicaStatus ?? "UNKNOWN",
        })),
      };
    },
    async readControl(region, tableName, regions) {
      const [writer, ...fences] = await Promise.all([
        getItem(region, tableName, WRITER_PK),
        ...regions.map((r) => getItem(region, tableName, fencePk(r))),
      ]);
      const w = writer.Item;
      return {
        writer:
          w?.region?.S !== undefined
            ? {
                region: w.region.S,
                epoch: Number(w.epoch?.N ?? 0),
                runId: w.runId?.S,
                updatedAt: w.updatedAt?.S,
              }
            : undefined,
        fences: fences.flatMap((f, i): FenceRecord[] =>
          f.Item
            ? [
                {
                  region: regions[i],
                  fenced: f.Item.fenced?.BOOL ?? false,
                  epoch: Number(f.Item.epoch?.N ?? 0),
                  runId: f.Item.runId?.S,
                  updatedAt: f.Item.updatedAt?.S,
                },
              ]
            : [],
        ),
      };
    },
    putWriter(region, tableName, record: WriterRecord) {
      return conditionalPut(
        region,
        tableName,
        {
          [CONTROL_KEY]: { S: WRITER_PK },
          region: { S: record.region },
          epoch: { N: String(record.epoch) },
          ...(record.runId ? { runId: { S: record.runId } } : {}),
          ...(record.updatedAt ? { updatedAt: { S: record.updatedAt } } : {}),
        },
        { name: "region", value: { S: record.region } },
        record.epoch,
      );
    },
    putFence(region, tableName, record: FenceRecord) {
      return conditionalPut(
        region,
        tableName,
        {
          [CONTROL_KEY]: { S: fencePk(record.region) },
          region: { S: record.region },
          fenced: { BOOL: record.fenced },
          epoch: { N: String(record.epoch) },
          ...(record.runId ? { runId: { S: record.runId } } : {}),
          ...(record.updatedAt ? { updatedAt: { S: record.updatedAt } } : {}),
        },
        { name: "fenced", value: { BOOL: record.fenced } },
        record.epoch,
      );
    },
  };
}
