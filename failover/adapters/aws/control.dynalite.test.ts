import * as assert from "assert";
import { AddressInfo } from "net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { claimAllowed, controlWriteAllowed } from "../control";
import { DynamoDbAdapter, RunClaim } from "../types";
import { destroyAwsClients } from "./client";
import { awsDynamoDb } from "./dynamodb";

// dynalite has no type declarations; it is a DynamoDB implementation with real conditional writes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (o: { createTableMs: number }) => import("http").Server;

/*
 * The control table's protocol against real DynamoDB semantics (dynalite on 127.0.0.1): the
 * ConditionExpressions the AWS adapter sends decide exactly what the shared predicates decide,
 * and two runs that claim at the same moment cannot both win.
 */
describe("control table protocol against dynalite (real conditional writes)", function () {
  this.timeout(60_000);
  const REGION = "eu-west-1";
  const saved: Record<string, string | undefined> = {};
  let server: import("http").Server;
  let ddb: DynamoDbAdapter;
  let raw: DynamoDBClient;
  let tableSeq = 0;

  before(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [k, v] of Object.entries({
      AWS_ENDPOINT_URL_DYNAMODB: url,
      AWS_ACCESS_KEY_ID: "AKIDLOCAL",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_PROFILE: undefined,
    })) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    ddb = awsDynamoDb({ requestTimeoutMs: 5_000 });
    raw = new DynamoDBClient({ region: REGION, endpoint: url });
  });

  after(async () => {
    raw?.destroy();
    destroyAwsClients();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await new Promise<void>((r) => server.close(() => r()));
  });

  const newTable = async () => {
    const name = `control-${++tableSeq}`;
    await raw.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    return name;
  };

  const runIds = fc.constantFrom("run-a", "run-b", "run-c");
  const epochs = fc.integer({ min: 1, max: 4 });

  it("writer and fence writes: the ConditionExpression agrees with controlWriteAllowed", async () => {
    const table = await newTable();
    let i = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.record({ epoch: epochs, runId: runIds }), { nil: undefined }),
        fc.record({ epoch: epochs, runId: runIds }),
        fc.boolean(),
        async (stored, incoming, fenced) => {
          // A fresh item per case: its own fence region.
          const region = `r${++i}`;
          if (stored) {
            const seeded = await ddb.putFence(REGION, table, {
              region,
              fenced: !fenced,
              ...stored,
            });
            assert.equal(seeded.outcome, "written");
          }
          const r = await ddb.putFence(REGION, table, { region, fenced, ...incoming });
          const expected = controlWriteAllowed(stored, incoming);
          assert.equal(r.outcome === "written", expected, JSON.stringify({ stored, incoming }));
          if (!expected) assert.equal(r.outcome === "superseded" && r.currentEpoch, stored!.epoch);
          const after = (await ddb.readControl(REGION, table, [region])).fences[0];
          assert.equal(after.fenced, expected ? fenced : !fenced);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it("run claims: the ConditionExpression agrees with claimAllowed, take-over included", async () => {
    let tableForCase = "";
    await fc.assert(
      fc.asyncProperty(
        fc.option(
          fc.record({
            epoch: epochs,
            runId: runIds,
            state: fc.constantFrom("active" as const, "finished" as const, "abandoned" as const),
          }),
          { nil: undefined },
        ),
        fc.record({ epoch: epochs, runId: runIds }),
        fc.option(runIds, { nil: undefined }),
        async (stored, incoming, takeOver) => {
          tableForCase = await newTable();
          const base = { kind: "switchover", from: "us-east-1", to: REGION };
          let current: RunClaim | undefined;
          if (stored) {
            current = { ...base, ...stored };
            assert.equal((await ddb.claimRun(REGION, tableForCase, current)).outcome, "claimed");
          }
          const claim: RunClaim = { ...base, ...incoming, state: "active" };
          const r = await ddb.claimRun(REGION, tableForCase, claim, { takeOver });
          const expected = claimAllowed(current, claim, takeOver);
          assert.equal(
            r.outcome === "claimed",
            expected,
            JSON.stringify({ stored, incoming, takeOver }),
          );
          if (r.outcome === "held") assert.equal(r.holder?.runId, stored?.runId);
          const now = (await ddb.readControl(REGION, tableForCase, [])).claim;
          assert.deepEqual(now, expected ? claim : current);
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });

  it("two runs claiming the same epoch at the same moment: exactly one wins, the other learns who", async () => {
    for (let round = 0; round < 20; round++) {
      const table = await newTable();
      const claim = (runId: string): RunClaim => ({
        runId,
        epoch: 2,
        state: "active",
        kind: "switchover",
        from: "us-east-1",
        to: REGION,
      });
      const [a, b] = await Promise.all([
        ddb.claimRun(REGION, table, claim("switchover-a")),
        ddb.claimRun(REGION, table, claim("switchover-b")),
      ]);
      const winners = [a, b].filter((r) => r.outcome === "claimed");
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify([a, b])}`);
      const loser = [a, b].find((r) => r.outcome === "held");
      assert.ok(loser?.outcome === "held" && loser.holder?.runId.startsWith("switchover-"));
      // The winner's fence write at epoch 2 lands; the loser's at the same epoch does not.
      const winnerId = a.outcome === "claimed" ? "switchover-a" : "switchover-b";
      const loserId = winnerId === "switchover-a" ? "switchover-b" : "switchover-a";
      const fence = { region: "us-east-1", fenced: true, epoch: 2 };
      const [w, l] = await Promise.all([
        ddb.putFence(REGION, table, { ...fence, runId: winnerId }),
        ddb.putFence(REGION, table, { ...fence, runId: loserId }),
      ]);
      assert.equal([w, l].filter((r) => r.outcome === "written").length, 1);
    }
  });

  it("a run that still holds its claim releases it; a stranger cannot", async () => {
    const table = await newTable();
    const mine: RunClaim = {
      runId: "failover-x",
      epoch: 3,
      state: "active",
      kind: "failover",
      from: "us-east-1",
      to: REGION,
    };
    await ddb.claimRun(REGION, table, mine);
    const stranger = await ddb.releaseRun(REGION, table, {
      ...mine,
      runId: "failover-y",
      state: "finished",
    });
    assert.equal(stranger.outcome, "superseded");
    assert.equal(
      (await ddb.releaseRun(REGION, table, { ...mine, state: "finished" })).outcome,
      "written",
    );
    // Released: the next run at a higher epoch may claim.
    const next = await ddb.claimRun(REGION, table, { ...mine, runId: "failover-z", epoch: 4 });
    assert.equal(next.outcome, "claimed");
  });
});
