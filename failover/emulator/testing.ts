import { DrManifest } from "../../manifest";
import { freshManifests } from "../testing/harness";
import { Emulator, EmulatorOptions } from "./server";

/*
 * Helpers for the emulator's tests: the sample manifests (one cell on a CloudWatch writer gate,
 * the other on an ARC routing control, so both switches are served), real SDK clients pointed
 * at the emulator with dummy credentials, and polling for the simulated world to move.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const ACCOUNT = "123456789012";
export const US = "us-east-1";
export const EU = "eu-west-1";
export const ROUTING_CONTROL = `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/p/routingcontrol/euw1`;

/** A data table with a number partition key and a string sort key, in both cells. */
export const LEDGER = "shop-ledger";

export function testManifests(nowMs = Date.now()): DrManifest[] {
  const withLedger = (m: DrManifest): DrManifest => {
    // Key types and sort keys are read structurally (older manifests have only the name).
    const ledger = {
      tableName: LEDGER,
      tableArn: `arn:aws:dynamodb:${m.region}:${ACCOUNT}:table/${LEDGER}`,
      partitionKey: "account",
      partitionKeyType: "N",
      sortKey: "entry",
      sortKeyType: "S",
    } as unknown as DrManifest["stores"]["dynamodb"][number];
    return { ...m, stores: { ...m.stores, dynamodb: [...m.stores.dynamodb, ledger] } };
  };
  const [use1, euw1] = freshManifests(nowMs).map(withLedger);
  return [
    use1,
    {
      ...euw1,
      traffic: {
        ...euw1.traffic,
        switch: {
          type: "arc-routing-control",
          clusterArn: `arn:aws:route53-recovery-control::${ACCOUNT}:cluster/emulator`,
          routingControlArn: ROUTING_CONTROL,
          healthCheckId: "hc-arc-euw1",
        },
      },
    },
  ];
}

interface Destroyable {
  destroy(): void;
}

/** One emulator and the SDK clients of a test file; `close()` ends them all. */
export class Fixture {
  private clients: Destroyable[] = [];

  private constructor(
    readonly emulator: Emulator,
    readonly manifests: DrManifest[],
  ) {}

  static async start(options: Partial<EmulatorOptions> = {}): Promise<Fixture> {
    const manifests = options.manifests ?? testManifests();
    return new Fixture(await Emulator.start({ ...options, manifests }), manifests);
  }

  get url(): string {
    return this.emulator.url;
  }

  /** A real SDK client for `region`, at the emulator (or `endpoint`), with dummy credentials. */
  client<C extends Destroyable>(
    Client: new (config: {
      region: string;
      endpoint: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
      maxAttempts: number;
    }) => C,
    region: string,
    endpoint = this.url,
  ): C {
    const c = new Client({
      region,
      endpoint,
      credentials: { accessKeyId: "AKIDEMULATOR", secretAccessKey: "emulator" },
      maxAttempts: 1,
    });
    this.clients.push(c);
    return c;
  }

  async admin<T>(path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${this.url}/_emulator/${path}`, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as T };
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    this.clients = [];
    await this.emulator.close();
  }
}

/** Polls `check` until it returns a value other than undefined (real time: the models move). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
