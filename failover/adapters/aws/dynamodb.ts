import {
  AttributeValue,
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import {
  CLAIM_CONDITION,
  CLAIM_PK,
  CONTROL_KEY,
  CONTROL_WRITE_CONDITION,
  fencePk,
  RELEASE_CONDITION,
  WRITER_PK,
} from "../control";
import {
  AdapterError,
  ClaimResult,
  ConditionalWriteResult,
  DynamoDbAdapter,
  FenceRecord,
  Region,
  RunClaim,
  WriterRecord,
} from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

export { CONTROL_KEY, WRITER_PK, fencePk };

const NAMES = {
  "#pk": CONTROL_KEY,
  "#epoch": "epoch",
  "#runId": "runId",
};

export function awsDynamoDb(settings: ClientSettings = {}): DynamoDbAdapter {
  const client = perRegion((region) => new DynamoDBClient(clientConfig(region, settings)));

  /** A strongly consistent GetItem: the same read applications must make in their region. */
  const readItem = async (
    region: Region,
    tableName: string,
    key: Record<string, AttributeValue>,
  ) => {
    const out = await call(settings, "DynamoDB", "GetItem", region, (o) =>
      client(region).send(
        new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
        o,
      ),
    );
    return out.Item;
  };

  /** A control-table item by its `pk`, as plain values. */
  const getItem = async (region: Region, tableName: string, pk: string) => {
    const item = await readItem(region, tableName, { [CONTROL_KEY]: { S: pk } });
    return item ? unmarshall(item) : undefined;
  };

  /** A conditional PutItem; `undefined` when written, the stored item when the condition failed. */
  const conditionalPut = async (
    region: Region,
    tableName: string,
    item: Record<string, unknown>,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<{ written: true } | { written: false; current?: Record<string, unknown> }> => {
    try {
      await call(settings, "DynamoDB", "PutItem", region, (o) =>
        client(region).send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall(item, { removeUndefinedValues: true }),
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: marshall(values) as Record<string, AttributeValue>,
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
          o,
        ),
      );
      return { written: true };
    } catch (e) {
      const cause = e instanceof AdapterError ? e.cause : e;
      if (
        cause instanceof ConditionalCheckFailedException ||
        (cause as Error | undefined)?.name === "ConditionalCheckFailedException"
      ) {
        const old = (cause as ConditionalCheckFailedException).Item;
        // DynamoDB returns the item that failed the condition; an implementation that does not
        // (older local ones) is asked for it, so the caller can always say who holds it.
        const pk = item[CONTROL_KEY] as string;
        return {
          written: false,
          current: old ? unmarshall(old) : await getItem(region, tableName, pk),
        };
      }
      throw e;
    }
  };

  /** Writer and fence items: a newer epoch wins; the same run's write again is a no-op. */
  const epochPut = async (
    region: Region,
    tableName: string,
    item: Record<string, unknown> & { epoch: number; runId?: string },
  ): Promise<ConditionalWriteResult> => {
    const r = await conditionalPut(region, tableName, item, CONTROL_WRITE_CONDITION, NAMES, {
      ":epoch": item.epoch,
      ":runId": item.runId ?? "",
    });
    if (r.written) return { outcome: "written" };
    const epoch = r.current?.epoch;
    return { outcome: "superseded", currentEpoch: typeof epoch === "number" ? epoch : undefined };
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
      const [writer, claim, ...fences] = await Promise.all([
        getItem(region, tableName, WRITER_PK),
        getItem(region, tableName, CLAIM_PK),
        ...regions.map((r) => getItem(region, tableName, fencePk(r))),
      ]);
      return {
        writer: typeof writer?.region === "string" ? stripKey<WriterRecord>(writer) : undefined,
        claim: typeof claim?.runId === "string" ? stripKey<RunClaim>(claim) : undefined,
        fences: fences.flatMap((f, i): FenceRecord[] =>
          f ? [{ ...stripKey<FenceRecord>(f), region: regions[i], fenced: f.fenced === true }] : [],
        ),
      };
    },
    putWriter(region, tableName, record: WriterRecord) {
      return epochPut(region, tableName, { [CONTROL_KEY]: WRITER_PK, ...record });
    },
    putFence(region, tableName, record: FenceRecord) {
      return epochPut(region, tableName, { [CONTROL_KEY]: fencePk(record.region), ...record });
    },
    async claimRun(region, tableName, claim, options): Promise<ClaimResult> {
      const r = await conditionalPut(
        region,
        tableName,
        { [CONTROL_KEY]: CLAIM_PK, ...claim },
        CLAIM_CONDITION,
        { ...NAMES, "#state": "state" },
        {
          ":epoch": claim.epoch,
          ":runId": claim.runId,
          ":active": "active",
          ":takeOver": options?.takeOver ?? "",
        },
      );
      if (r.written) return { outcome: "claimed" };
      return {
        outcome: "held",
        holder: r.current ? stripKey<RunClaim>(r.current) : undefined,
      };
    },
    async putDrainMarker(region, tableName, key, runId) {
      await call(settings, "DynamoDB", "PutItem", region, (o) =>
        client(region).send(
          new PutItemCommand({
            TableName: tableName,
            Item: { ...key, drMarker: { S: runId } },
          }),
          o,
        ),
      );
    },
    async lastHeartbeat(region, tableName, of) {
      const item = await getItem(region, tableName, `heartbeat#${of}`);
      return typeof item?.at === "number" ? item.at : undefined;
    },
    async hasItem(region, tableName, key) {
      return (
        (await readItem(region, tableName, key as Record<string, AttributeValue>)) !== undefined
      );
    },
    async releaseRun(region, tableName, claim) {
      const r = await conditionalPut(
        region,
        tableName,
        { [CONTROL_KEY]: CLAIM_PK, ...claim },
        RELEASE_CONDITION,
        { "#epoch": "epoch", "#runId": "runId" },
        { ":epoch": claim.epoch, ":runId": claim.runId },
      );
      if (r.written) return { outcome: "written" };
      const epoch = r.current?.epoch;
      return { outcome: "superseded", currentEpoch: typeof epoch === "number" ? epoch : undefined };
    },
  };
}

/** The item without its key: the record the adapters speak in. */
function stripKey<T>(item: Record<string, unknown>): T {
  const { [CONTROL_KEY]: _pk, ...rest } = item;
  return rest as unknown as T;
}
