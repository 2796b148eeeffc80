import * as assert from "assert";
import * as http from "http";
import * as net from "net";
import { admitWrites, orders } from "../examples/admission/http";
import { AdmittedProducer, ProducerRecord } from "../examples/admission/kafka";
import { CheckedDecision, WriteNotAdmittedError } from ".";

/** An admission that answers from a switch, as WriteAdmission would. */
function fakeAdmission(admit: () => boolean) {
  return {
    admitOrThrow(): Promise<CheckedDecision> {
      const d: CheckedDecision = admit()
        ? {
            admit: true,
            reason: "us-east-1 is the recorded writer",
            checkedAtMs: 0,
            cachedUntilMs: 1000,
          }
        : {
            admit: false,
            condition: "fence",
            reason: "us-east-1 is fenced (fence#us-east-1 (epoch 3))",
            checkedAtMs: 0,
            cachedUntilMs: 1000,
          };
      return d.admit ? Promise.resolve(d) : Promise.reject(new WriteNotAdmittedError(d));
    },
  };
}

async function request(port: number, method: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, method, path: "/orders", agent: false },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on("error", reject);
      req.end();
    },
  );
}

describe("admission: the examples", () => {
  it("HTTP: a refused write gets 503 with Retry-After and the reason; reads and admitted writes pass", async () => {
    let admitted = false;
    const server = http.createServer(
      admitWrites(
        fakeAdmission(() => admitted),
        orders,
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const refused = await request(port, "POST");
      assert.strictEqual(refused.status, 503);
      assert.strictEqual(refused.headers["retry-after"], "1");
      assert.match(JSON.parse(refused.body).reason, /us-east-1 is fenced/);
      assert.strictEqual((await request(port, "GET")).status, 200, "reads are never fenced");
      admitted = true;
      assert.strictEqual((await request(port, "POST")).status, 201);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("Kafka: the wrapper produces only when admitted", async () => {
    const sent: ProducerRecord[] = [];
    let admitted = false;
    const producer = new AdmittedProducer(
      { send: (r) => Promise.resolve(sent.push(r)) },
      fakeAdmission(() => admitted),
    );
    const record = { topic: "orders", messages: [{ key: "o-1", value: "{}" }] };
    await assert.rejects(producer.send(record), WriteNotAdmittedError);
    assert.strictEqual(sent.length, 0);
    admitted = true;
    await producer.send(record);
    assert.deepStrictEqual(sent, [record]);
  });
});
