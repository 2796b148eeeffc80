import * as http from "http";
import * as net from "net";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { Item } from "../items";

/**
 * Test servers for the admission tests: dynalite (a real DynamoDB implementation) in-process
 * on 127.0.0.1, and a listener that accepts connections and never answers (a hung endpoint).
 * Everything they open is closed by `close()`, so mocha ends by itself.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

type DynaliteFactory = (options: { createTableMs?: number }) => http.Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as DynaliteFactory;

export const TABLE = "dr-control";

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function close(server: net.Server): Promise<void> {
  (server as http.Server).closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/*
 * Other test files mock `DynamoDBClient.prototype.send` (aws-sdk-client-mock) from the moment
 * mocha loads them until their own `after` runs, which covers these tests when the whole suite
 * runs. These clients use the SDK's own `send` (the base class's), so they always reach the
 * server they were given.
 */
class UnmockedDynamoDBClient extends DynamoDBClient {}
UnmockedDynamoDBClient.prototype.send = (
  Object.getPrototypeOf(DynamoDBClient.prototype) as { send: DynamoDBClient["send"] }
).send;

export function clientFor(endpoint: string, region: string): DynamoDBClient {
  return new UnmockedDynamoDBClient({
    region,
    endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

export class Dynalite {
  private clients: DynamoDBClient[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<Dynalite> {
    const server = dynalite({ createTableMs: 0 });
    return new Dynalite(server, await listen(server));
  }

  /** A client of this endpoint for `region` (dynalite keeps one store for every region). */
  client(region: string): DynamoDBClient {
    const c = clientFor(this.endpoint, region);
    this.clients.push(c);
    return c;
  }

  async createControlTable(name = TABLE): Promise<void> {
    await this.client("us-east-1").send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }

  async put(item: Item, table = TABLE): Promise<void> {
    await this.client("us-east-1").send(new PutItemCommand({ TableName: table, Item: item }));
  }

  async get(pk: string, table = TABLE): Promise<Item | undefined> {
    const out = await this.client("us-east-1").send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }),
    );
    return out.Item;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    this.clients = [];
    await close(this.server);
  }
}

/** Accepts connections and never answers. */
export class HungEndpoint {
  endpoint = "";
  private readonly server = net.createServer();
  private readonly sockets = new Set<net.Socket>();

  static async start(): Promise<HungEndpoint> {
    const h = new HungEndpoint();
    h.server.on("connection", (s) => {
      h.sockets.add(s);
      s.on("close", () => h.sockets.delete(s));
    });
    h.endpoint = await listen(h.server);
    return h;
  }

  /** Connections open now. */
  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await close(this.server);
  }
}

/** The items as the failover runbooks write them (failover/adapters/aws/dynamodb.ts). */
export const items = {
  writer: (region: string, updatedAtMs: number, epoch = 1): Item => ({
    pk: { S: "writer" },
    region: { S: region },
    epoch: { N: String(epoch) },
    runId: { S: `switchover-test-${epoch}` },
    updatedAt: { S: new Date(updatedAtMs).toISOString() },
  }),
  fence: (region: string, fenced: boolean, epoch = 1): Item => ({
    pk: { S: `fence#${region}` },
    region: { S: region },
    fenced: { BOOL: fenced },
    epoch: { N: String(epoch) },
    runId: { S: `switchover-test-${epoch}` },
    updatedAt: { S: new Date().toISOString() },
  }),
  heartbeat: (region: string, at: number): Item => ({
    pk: { S: `heartbeat#${region}` },
    region: { S: region },
    at: { N: String(at) },
  }),
};
