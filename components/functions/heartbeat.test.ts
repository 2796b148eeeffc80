import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { byType, named, oneOf, renderComponent } from "../../testing";
import { FUNCTIONS_DEFAULTS } from "../../config/schema";
import { main as plan } from "../../plan/cli";
import { PROJECT_DIR } from "../../plan/stack";
import { CellFunctions, CellFunctionsArgs } from "./index";
import { bundleHandler } from "./bundle";
import {
  HEARTBEAT_RESERVED_CONCURRENCY,
  HEARTBEAT_SCHEDULE,
  HEARTBEAT_TIMEOUT_SECONDS,
  heartbeatArgIssues,
} from "./heartbeat";

/*
 * The heartbeat part of CellFunctions as rendered under the plan's mocks: a schedule every
 * minute with no flexible window and no retries, a function that outlives the next invocation,
 * an execution role that can write only this region's heartbeat item, a scheduler role that can
 * invoke only this function; and its settings refused with the key and the fix.
 */

const ACCT = "123456789012";
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/mrk-1`;
const CONTROL_ARN = `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-dr-control`;

function args(over: Partial<CellFunctionsArgs> = {}): CellFunctionsArgs {
  const orders = `arn:aws:dynamodb:us-east-1:${ACCT}:table/shop-orders`;
  return {
    identity: { app: "shop", cell: "use1", region: "us-east-1" },
    role: "joiner",
    homeRegion: "eu-west-1",
    peerRegions: ["eu-west-1"],
    kmsKeyArn: KEY,
    queue: {
      queueArn: `arn:aws:sqs:us-east-1:${ACCT}:shop-use1-work`,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
    },
    consumerTable: { tableName: "shop-orders", tableArn: orders, partitionKey: "pk" },
    streamTable: { tableName: "shop-orders", tableArn: orders, streamArn: `${orders}/stream/x` },
    controlTable: { tableName: "shop-dr-control", tableArn: CONTROL_ARN },
    events: {
      busName: "shop-use1-bus",
      busArn: `arn:aws:events:us-east-1:${ACCT}:event-bus/shop-use1-bus`,
      topicArn: `arn:aws:sns:us-east-1:${ACCT}:shop-use1-events`,
    },
    settings: { ...FUNCTIONS_DEFAULTS },
    ...over,
  };
}

type Statement = { Sid: string; Action: unknown; Resource: unknown; Condition?: unknown };
const statements = (policy: unknown): Statement[] => JSON.parse(String(policy)).Statement;

describe("components/functions heartbeat", function () {
  this.timeout(60_000);

  it("a schedule every minute, flexible window off, no retries, invoking the heartbeat function", async () => {
    const r = await renderComponent(() => new CellFunctions("fn", args()));
    const schedule = oneOf(r, "aws:scheduler/schedule:Schedule");
    const fn = named(r, "fn-heartbeat");
    const schedulerRole = named(r, "fn-heartbeatSchedulerRole");
    assert.equal(schedule.inputs.scheduleExpression, "rate(1 minute)");
    assert.equal(HEARTBEAT_SCHEDULE, "rate(1 minute)");
    assert.deepEqual(schedule.inputs.flexibleTimeWindow, { mode: "OFF" });
    assert.equal(schedule.inputs.state, "ENABLED");
    const target = schedule.inputs.target as Record<string, unknown>;
    assert.equal(target.arn, fn.state.arn);
    assert.equal(target.roleArn, schedulerRole.state.arn);
    assert.deepEqual(target.retryPolicy, { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 });
    assert.equal(schedule.registeredInApply, false);
    const invokeConfig = oneOf(r, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    assert.equal(invokeConfig.inputs.functionName, fn.state.name);
    assert.equal(invokeConfig.inputs.maximumRetryAttempts, 0);
  });

  it("the function outlives the next invocation: 120 s runs, 135 s timeout, 3 reserved, 128 MB", async () => {
    const r = await renderComponent(() => new CellFunctions("fn", args()));
    const fn = named(r, "fn-heartbeat");
    assert.equal(fn.inputs.name, "shop-use1-heartbeat");
    assert.equal(fn.inputs.runtime, "nodejs22.x");
    assert.deepEqual(fn.inputs.architectures, ["arm64"]);
    assert.equal(fn.inputs.handler, "index.handler");
    assert.equal(fn.inputs.timeout, HEARTBEAT_TIMEOUT_SECONDS);
    assert.equal(HEARTBEAT_TIMEOUT_SECONDS, 135);
    assert.equal(fn.inputs.reservedConcurrentExecutions, HEARTBEAT_RESERVED_CONCURRENCY);
    assert.equal(fn.inputs.memorySize, 128);
    assert.equal(fn.inputs.kmsKeyArn, KEY);
    assert.deepEqual((fn.inputs.environment as { variables: unknown }).variables, {
      DR_CONTROL_TABLE: "shop-dr-control",
      DR_HEARTBEAT_INTERVAL_MS: "1000",
      DR_HEARTBEAT_RUN_MS: "120000",
    });
    assert.equal(fn.registeredInApply, false);
    const group = byType(r, "aws:cloudwatch/logGroup:LogGroup").find(
      (g) => g.inputs.name === "/aws/lambda/shop-use1-heartbeat",
    );
    assert.ok(group);
    // The bundle is the repo's handler with the admission Heartbeat in it, the SDK left out.
    const code = bundleHandler("heartbeat");
    assert.match(code, /attribute_not_exists\(#pk\) OR #at < :at/);
    assert.match(code, /require\("@aws-sdk\/client-dynamodb"\)/);
  });

  it("the execution role writes only heartbeat#<this region>; the scheduler role invokes only this function", async () => {
    const r = await renderComponent(() => new CellFunctions("fn", args()));
    const own = statements(named(r, "fn-heartbeatPolicy").inputs.policy);
    const writes = own.filter((s) => JSON.stringify(s.Action).includes("dynamodb"));
    assert.deepEqual(writes, [
      {
        Sid: "OwnHeartbeat",
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: CONTROL_ARN,
        Condition: {
          "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["heartbeat#us-east-1"] },
        },
      },
    ]);
    for (const st of own) assert.notEqual(st.Resource, "*", `${st.Sid}: no resource wildcard`);
    const fn = named(r, "fn-heartbeat");
    const invoke = statements(named(r, "fn-heartbeatSchedulerPolicy").inputs.policy);
    assert.deepEqual(invoke, [
      {
        Sid: "InvokeHeartbeat",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: fn.state.arn,
      },
    ]);
    const trust = JSON.parse(String(named(r, "fn-heartbeatSchedulerRole").inputs.assumeRolePolicy));
    assert.deepEqual(trust.Statement[0].Principal, { Service: "scheduler.amazonaws.com" });
  });

  it("an interval over half the lease is refused with the key and the fix", async () => {
    assert.deepEqual(heartbeatArgIssues(1500, 3), []);
    const [issue] = heartbeatArgIssues(1600, 3);
    assert.match(
      issue.reason,
      /dr:functions\.heartbeatIntervalMs is 1600 ms but must be at most .* 1500 ms/,
    );
    await assert.rejects(
      renderComponent(
        () =>
          new CellFunctions(
            "fn",
            args({ settings: { ...FUNCTIONS_DEFAULTS, heartbeatIntervalMs: 2000 } }),
          ),
      ),
      /dr:functions\.heartbeatIntervalMs is 2000 ms/,
    );
  });

  describe("npm run plan with bad dr:functions heartbeat settings exits 2 naming the key", () => {
    async function planWith(functions: Record<string, unknown>) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "heartbeat-plan-"));
      for (const f of fs.readdirSync(PROJECT_DIR).filter((n) => /^Pulumi\..*yaml$/.test(n))) {
        fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
      }
      const file = path.join(dir, "Pulumi.prod-use1.yaml");
      const doc = parse(fs.readFileSync(file, "utf8"));
      doc.config["dr:functions"] = functions;
      fs.writeFileSync(file, stringify(doc));
      let stdout = "";
      let stderr = "";
      const out = process.stdout.write.bind(process.stdout);
      const err = process.stderr.write.bind(process.stderr);
      process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
      process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
      try {
        const code = await plan(["--stack", "prod-use1", "--project", dir]);
        return { code, stdout, stderr };
      } finally {
        process.stdout.write = out;
        process.stderr.write = err;
      }
    }

    it("below the minimum interval", async () => {
      const { code, stderr } = await planWith({ heartbeatIntervalMs: 50 });
      assert.equal(code, 2, stderr);
      assert.match(stderr, /dr:functions\.heartbeatIntervalMs: must be at least 100/);
    });

    it("an interval over half the lease", async () => {
      const { code, stdout, stderr } = await planWith({ heartbeatIntervalMs: 2000 });
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      assert.match(stderr, /dr:functions\.heartbeatIntervalMs is 2000 ms but must be at most/);
    });

    it("memory out of range", async () => {
      const { code, stderr } = await planWith({ heartbeatMemoryMb: 64 });
      assert.equal(code, 2, stderr);
      assert.match(stderr, /dr:functions\.heartbeatMemoryMb: must be at least 128/);
    });
  });
});
