import { strict as assert } from "assert";
import * as path from "path";
import { CellApi, CellApiArgs } from "./cellApi";
import {
  integrationPolicy,
  ROUTES,
  routeKey,
  sqsIntegrationUri,
  SQS_REQUEST_TEMPLATE,
  statesRequestTemplate,
} from "./routes";
import { byType, named, oneOf, promiseOf, renderComponent, steadyStateOnce } from "../../testing";
import type { Render, RenderedResource } from "../../plan/render";
import { loadDrConfig } from "../../config";
import { readStackFile, PROJECT_DIR, StackRender } from "../../plan/stack";
import { apiManifestSchema } from "../../manifest/schema";
import { InputValidationError } from "../../validation/issues";

const identity = { app: "shop", cell: "euw1", region: "eu-west-1" };
const queueArn = "arn:aws:sqs:eu-west-1:123456789012:shop-euw1-work";
const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1";
const stateMachineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:shop-euw1-jobs";
const peerPool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123";
const args = (over: Partial<CellApiArgs> = {}): CellApiArgs => ({
  identity,
  hostedZoneId: "Z04912345EXAMPLE0DR",
  zoneName: "shop.example.com",
  certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
  ttlSeconds: 30,
  healthCheckFailureThreshold: 3,
  queueArn,
  kmsKeyArn: keyArn,
  stateMachineArn,
  writerHealthCheckId: "hc-writer-euw1",
  peerUserPoolArns: [peerPool],
  ...over,
});

async function render(a: CellApiArgs) {
  let api: CellApi | undefined;
  const r = await renderComponent(
    () => {
      api = new CellApi("api", a);
    },
    { region: a.identity.region },
  );
  return { r, api: api! };
}

const json = (v: unknown) => JSON.parse(String(v)) as Record<string, unknown>;

/** `METHOD /path` of every method of one REST API, read from the rendered resources. */
function routesOf(r: Render, restApi: RenderedResource): string[] {
  const resources = byType(r, "aws:apigateway/resource:Resource").filter(
    (x) => x.inputs.restApi === restApi.id,
  );
  return byType(r, "aws:apigateway/method:Method")
    .filter((m) => m.inputs.restApi === restApi.id)
    .map((m) => {
      const res = resources.find((x) => x.id === m.inputs.resourceId)!;
      return `${String(m.inputs.httpMethod)} /${String(res.inputs.pathPart)}`;
    })
    .sort();
}

describe("components/api CellApi", () => {
  it("two REST APIs: the regional one has only GET /health, the writer one health, enqueue and job", async () => {
    const { r } = await render(args());
    const regional = named(r, "api-regionalApi");
    const writer = named(r, "api-writerApi");
    for (const api of [regional, writer]) {
      assert.deepEqual(api.inputs.endpointConfiguration, { types: "REGIONAL" });
      // Only the custom domains reach the APIs: no way around the writer name.
      assert.equal(api.inputs.disableExecuteApiEndpoint, true);
    }
    assert.deepEqual(routesOf(r, regional), ["GET /health"]);
    assert.deepEqual(routesOf(r, writer), ["GET /health", "POST /jobs", "POST /orders"]);
    assert.deepEqual(
      ROUTES.writer.map(routeKey).sort(),
      ["GET /health", "POST /jobs", "POST /orders"],
      "the published routes are the rendered ones",
    );
  });

  it("the write route sends to this cell's queue through the integration role; the job route starts the state machine synchronously", async () => {
    const { r } = await render(args());
    const orders = named(r, "api-writerOrdersIntegration");
    assert.equal(orders.inputs.type, "AWS");
    assert.equal(orders.inputs.integrationHttpMethod, "POST");
    assert.equal(
      orders.inputs.uri,
      "arn:aws:apigateway:eu-west-1:sqs:path/123456789012/shop-euw1-work",
    );
    assert.equal(orders.inputs.passthroughBehavior, "NEVER");
    assert.match(
      String((orders.inputs.requestTemplates as Record<string, string>)["application/json"]),
      /^Action=SendMessage&MessageBody=\$util\.urlEncode\(\$input\.body\)/,
    );
    const role = named(r, "api-integrationRole");
    assert.equal(orders.inputs.credentials, role.state.arn);

    const jobs = named(r, "api-writerJobsIntegration");
    assert.equal(jobs.inputs.uri, "arn:aws:apigateway:eu-west-1:states:action/StartSyncExecution");
    assert.equal(jobs.inputs.credentials, role.state.arn);
    const template = String(
      (jobs.inputs.requestTemplates as Record<string, string>)["application/json"],
    );
    assert.ok(template.includes(`"stateMachineArn": "${stateMachineArn}"`));
    // A failed execution (the workflow's fail-closed admission) is not a 200.
    const ok = named(r, "api-writerJobsIntegrationResponse200");
    assert.match(
      String((ok.inputs.responseTemplates as Record<string, string>)["application/json"]),
      /#if\(\$r\.status == "SUCCEEDED"\)[^]*responseOverride\.status = 503/,
    );
    const health = named(r, "api-regionalHealthIntegration");
    assert.equal(health.inputs.type, "MOCK");
  });

  it("the integration role may only SendMessage to this queue, use the key through SQS, and start this state machine", async () => {
    const { r } = await render(args());
    const trust = json(named(r, "api-integrationRole").inputs.assumeRolePolicy);
    assert.deepEqual((trust.Statement as Array<{ Principal: unknown }>)[0].Principal, {
      Service: "apigateway.amazonaws.com",
    });
    const policy = json(named(r, "api-integrationRolePolicy").inputs.policy);
    assert.deepEqual(
      policy,
      json(
        integrationPolicy({ region: "eu-west-1", queueArn, kmsKeyArn: keyArn, stateMachineArn }),
      ),
    );
    const statements = policy.Statement as Array<{ Action: unknown; Resource: unknown }>;
    assert.deepEqual(
      statements.map((s) => [s.Action, s.Resource]),
      [
        ["sqs:SendMessage", queueArn],
        [["kms:GenerateDataKey", "kms:Decrypt"], keyArn],
        ["states:StartSyncExecution", stateMachineArn],
      ],
    );
    for (const s of statements) assert.ok(!JSON.stringify(s.Resource).includes("*"));
  });

  it("non-health routes need a Cognito token from this cell's pool or a peer's; health needs none", async () => {
    const { r } = await render(args());
    const authorizer = oneOf(r, "aws:apigateway/authorizer:Authorizer");
    const pool = oneOf(r, "aws:cognito/userPool:UserPool");
    assert.equal(authorizer.inputs.type, "COGNITO_USER_POOLS");
    assert.deepEqual(authorizer.inputs.providerArns, [pool.state.arn, peerPool]);
    assert.equal(authorizer.inputs.restApi, named(r, "api-writerApi").id);
    for (const m of byType(r, "aws:apigateway/method:Method")) {
      if (m.name.endsWith("HealthGet")) {
        assert.equal(m.inputs.authorization, "NONE", m.name);
      } else {
        assert.equal(m.inputs.authorization, "COGNITO_USER_POOLS", m.name);
        assert.equal(m.inputs.authorizerId, authorizer.id, m.name);
      }
    }
    assert.equal(pool.inputs.deletionProtection, "ACTIVE");
    const client = oneOf(r, "aws:cognito/userPoolClient:UserPoolClient");
    assert.equal(client.inputs.accessTokenValidity, 60);
    assert.equal(client.inputs.idTokenValidity, 60);
    assert.equal(client.inputs.generateSecret, false);
  });

  it("every stage is throttled, access-logged and traced; the account CloudWatch role is set first", async () => {
    const { r } = await render(args({ throttleRateLimit: 200, throttleBurstLimit: 400 }));
    const stages = byType(r, "aws:apigateway/stage:Stage");
    assert.equal(stages.length, 2);
    const account = oneOf(r, "aws:apigateway/account:Account");
    assert.equal(account.inputs.cloudwatchRoleArn, named(r, "api-accountLogRole").state.arn);
    for (const s of stages) {
      assert.equal(s.inputs.xrayTracingEnabled, true, s.name);
      const logs = s.inputs.accessLogSettings as { destinationArn: string; format: string };
      const role = s.name.replace(/Stage$/, "");
      assert.equal(logs.destinationArn, named(r, `${role}AccessLogs`).state.arn);
      assert.ok(json(logs.format).requestId, "JSON access log with the request id");
      assert.ok(s.dependsOn.includes("api-account"), `${s.name} waits for the account role`);
    }
    const settings = byType(r, "aws:apigateway/methodSettings:MethodSettings");
    assert.equal(settings.length, 2);
    for (const m of settings) {
      assert.equal(m.inputs.methodPath, "*/*");
      const s = m.inputs.settings as Record<string, unknown>;
      assert.equal(s.throttlingRateLimit, 200);
      assert.equal(s.throttlingBurstLimit, 400);
    }
  });

  it("manageAccountLogRole: false leaves the account's CloudWatch role alone", async () => {
    const { r } = await render(args({ manageAccountLogRole: false }));
    assert.equal(byType(r, "aws:apigateway/account:Account").length, 0);
    assert.equal(byType(r, "aws:apigateway/stage:Stage").length, 2);
  });

  it("regional custom domains on the regional certificate; latency record health-checked on GET /health; writer record weighted on the writer check", async () => {
    const { r, api } = await render(args());
    const domains = byType(r, "aws:apigateway/domainName:DomainName");
    assert.deepEqual(domains.map((d) => d.inputs.domainName).sort(), [
      "gateway-euw1.shop.example.com",
      "gateway-writer.shop.example.com",
      "gateway.shop.example.com",
    ]);
    for (const d of domains) {
      assert.deepEqual(d.inputs.endpointConfiguration, { types: "REGIONAL" });
      assert.equal(d.inputs.regionalCertificateArn, args().certificateArn);
      assert.equal(d.inputs.securityPolicy, "TLS_1_2");
    }
    const writerDomain = named(r, "api-writerDomain");
    const writerMapping = named(r, "api-writerDomainMapping");
    assert.equal(writerMapping.inputs.restApi, named(r, "api-writerApi").id);
    assert.equal(writerMapping.inputs.domainName, writerDomain.state.domainName);

    const check = oneOf(r, "aws:route53/healthCheck:HealthCheck");
    assert.equal(check.inputs.type, "HTTPS");
    assert.equal(check.inputs.fqdn, "gateway-euw1.shop.example.com");
    assert.equal(check.inputs.resourcePath, "/health");
    assert.equal(check.inputs.requestInterval, 10);
    assert.equal(check.inputs.failureThreshold, 3);
    assert.equal(check.inputs.enableSni, true);
    assert.deepEqual(check.ignoreChanges, ["invertHealthcheck"]);

    const cellRecord = named(r, "api-cellRecord");
    const cellDomain = named(r, "api-regionalCellDomain");
    assert.deepEqual(cellRecord.inputs.aliases, [
      {
        name: cellDomain.state.regionalDomainName,
        zoneId: cellDomain.state.regionalZoneId,
        evaluateTargetHealth: false,
      },
    ]);
    const latency = named(r, "api-latencyRecord");
    assert.equal(latency.inputs.name, "gateway.shop.example.com");
    assert.equal(latency.inputs.ttl, 30);
    assert.deepEqual(latency.inputs.latencyRoutingPolicies, [{ region: "eu-west-1" }]);
    assert.equal(latency.inputs.healthCheckId, check.id);
    assert.deepEqual(latency.inputs.records, [
      named(r, "api-regionalDomain").state.regionalDomainName,
    ]);
    const writer = named(r, "api-writerRecord");
    assert.equal(writer.inputs.name, "gateway-writer.shop.example.com");
    assert.deepEqual(writer.inputs.weightedRoutingPolicies, [{ weight: 100 }]);
    assert.equal(writer.inputs.healthCheckId, "hc-writer-euw1");
    assert.equal(writer.inputs.setIdentifier, "euw1");
    assert.deepEqual(writer.inputs.records, [writerDomain.state.regionalDomainName]);

    const m = apiManifestSchema.parse(await promiseOf(api.manifestApi));
    assert.equal(m.writerRecord?.name, "gateway-writer.shop.example.com");
    assert.equal(m.healthCheckId, check.id);
    assert.deepEqual(m.acceptedUserPoolArns, [
      oneOf(r, "aws:cognito/userPool:UserPool").state.arn,
      peerPool,
    ]);
  });

  it("without the writer check (deferred by traffic) there is no writer API record, and the manifest says so", async () => {
    const { r, api } = await render(args({ writerHealthCheckId: undefined }));
    assert.throws(() => named(r, "api-writerRecord"), /no resource named api-writerRecord/);
    const m = await promiseOf(api.manifestApi);
    assert.equal(m.writerRecord, null);
  });

  it("a route or wiring change redeploys the stage (the deployment's trigger changes)", async () => {
    const a = (await render(args())).r;
    const b = (await render(args({ stateMachineArn: `${stateMachineArn}-2` }))).r;
    const trigger = (r: Render) =>
      (named(r, "api-writerDeployment").inputs.triggers as Record<string, string>).redeployment;
    assert.notEqual(trigger(a), trigger(b));
    assert.equal(trigger(a), trigger((await render(args())).r), "stable between renders");
    assert.ok(named(a, "api-writerDeployment").dependsOn.includes("api-writerOrdersIntegration"));
  });

  it("bad args fail before anything is created, naming the field", async () => {
    await assert.rejects(render(args({ writerName: "gateway" })), /writerName are both 'gateway'/);
    await assert.rejects(render(args({ ttlSeconds: 120 })), /ttlSeconds is 120/);
    await assert.rejects(
      render(args({ peerUserPoolArns: ["arn:aws:s3:::x"] })),
      /peerUserPoolArns\[0\] 'arn:aws:s3:::x' is not a Cognito user pool ARN/,
    );
    // Every bad arg at once, as every component reports them.
    await assert.rejects(
      render(args({ ttlSeconds: 120, healthCheckFailureThreshold: 0, writerName: "gateway" })),
      /dr:api:CellApi .* has 3 invalid args/,
    );
  });
});

describe("components/api routes (pure)", () => {
  it("SQS integration URI from the queue ARN; anything else is refused", () => {
    assert.equal(
      sqsIntegrationUri("arn:aws:sqs:ap-southeast-1:123456789012:q.fifo"),
      "arn:aws:apigateway:ap-southeast-1:sqs:path/123456789012/q.fifo",
    );
    assert.throws(() => sqsIntegrationUri("arn:aws:sns:us-east-1:123456789012:t"), /not an SQS/);
  });

  it("the job template is JSON once API Gateway fills it (the input is an escaped JSON string)", () => {
    // What API Gateway's VTL would produce for body {"sku":"a'b"} and request id r-1.
    const filled = statesRequestTemplate(stateMachineArn)
      .replace(/\$context\.requestId/g, "r-1")
      .replace(/\$context\.authorizer\.claims\.sub/g, "user-1")
      .replace(
        `$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'","'")`,
        JSON.stringify(JSON.stringify({ sku: "a'b" })).slice(1, -1),
      );
    const outer = JSON.parse(filled) as { stateMachineArn: string; input: string };
    assert.equal(outer.stateMachineArn, stateMachineArn);
    assert.deepEqual(JSON.parse(outer.input), {
      jobId: "r-1",
      subject: "user-1",
      body: { sku: "a'b" },
    });
    assert.ok(SQS_REQUEST_TEMPLATE.includes("MessageAttribute.1.Name=requestId"));
  });
});

describe("config dr:api", () => {
  const raw = () => readStackFile(PROJECT_DIR, "prod-euw1");
  const load = (edit: (c: Record<string, unknown>) => void) => {
    const c = raw();
    edit(c as Record<string, unknown>);
    return loadDrConfig("prod-euw1", c);
  };
  const issueKeys = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof InputValidationError, String(e));
      return e.issues.map((i) => `${i.key}: ${i.message}`);
    }
    assert.fail("expected an InputValidationError");
  };

  it("defaults keep the shipped stacks loading", () => {
    const c = loadDrConfig("prod-euw1", raw());
    assert.equal(c.api.serviceName, "gateway");
    assert.equal(c.api.writerName, "gateway-writer");
    assert.deepEqual(c.api.throttle, { rateLimit: 500, burstLimit: 1000 });
  });

  it("bad values name the key and the fix", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ throttle: { rateLimit: 0 } }, /^dr:api\.throttle\.rateLimit: must be at least 1/],
      [{ throttle: { burstLimit: 9000 } }, /^dr:api\.throttle\.burstLimit: must be at most 5000/],
      [{ logRetentionDays: 31 }, /^dr:api\.logRetentionDays: must be a CloudWatch Logs retention/],
      [{ tokenValidityMinutes: 2 }, /^dr:api\.tokenValidityMinutes: must be at least 5/],
      [{ serviceName: "Gateway" }, /^dr:api\.serviceName: must start with a lowercase letter/],
      [{ serviceName: "api" }, /^dr:api\.serviceName: 'api' is already dr:dns\.serviceName/],
      [{ writerName: "writer" }, /^dr:api\.writerName: 'writer' is already dr:dns\.writerName/],
      [{ writerName: "gateway" }, /^dr:api\.writerName: 'gateway' is already dr:api\.serviceName/],
      [
        { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" },
        /^dr:api\.certificateArn: is in us-east-1; a regional API custom domain needs an ACM certificate in this stack's region \(eu-west-1\)/,
      ],
      [{ throttles: {} }, /^dr:api\.throttles: is not a known setting/],
    ];
    for (const [api, pattern] of bad) {
      const issues = issueKeys(() => load((c) => (c["dr:api"] = api)));
      assert.ok(
        issues.some((i) => pattern.test(i)),
        `${JSON.stringify(api)}: ${issues.join(" | ")}`,
      );
    }
  });
});

describe("stacks: the API layer in every cell", function () {
  const three = path.join(__dirname, "..", "..", "plan", "fixtures", "three-cells");
  let shipped: StackRender[];
  let threeCells: StackRender[];
  before(async function () {
    this.timeout(600_000);
    const a = await steadyStateOnce();
    shipped = ["prod-use1", "prod-euw1"].map((s) => a.get(s)!);
    const b = await steadyStateOnce(three);
    threeCells = ["prod-use1", "prod-euw1", "prod-apse1"].map((s) => b.get(s)!);
  });

  const check = (cells: StackRender[]) => {
    const pools = cells.map((c) => c.manifest.api!.userPool.userPoolArn);
    for (const c of cells) {
      const m = apiManifestSchema.parse(c.manifest.api);
      const region = c.manifest.region;
      // Same routes in every cell, from the rendered methods.
      for (const role of ["regional", "writer"] as const) {
        const restApi = c.resources.find(
          (x) => x.type === "aws:apigateway/restApi:RestApi" && x.name.endsWith(`-${role}Api`),
        )!;
        assert.deepEqual(
          routesOf(c, restApi),
          ROUTES[role].map(routeKey).sort(),
          `${c.stack} ${role}`,
        );
      }
      // Every cell accepts every cell's pool (the steady state is after the deploy order).
      assert.deepEqual([...m.acceptedUserPoolArns].sort(), [...pools].sort(), c.stack);
      // Throttled stages, in the cell's own region.
      for (const s of byType(c, "aws:apigateway/methodSettings:MethodSettings")) {
        const t = s.inputs.settings as Record<string, number>;
        assert.ok(t.throttlingRateLimit > 0 && t.throttlingBurstLimit > 0, s.name);
      }
      for (const x of c.resources.filter((r) => /^aws:(apigateway|cognito)\//.test(r.type))) {
        assert.equal(x.placement.region, region, `${x.name} in ${region}`);
      }
      // The records: latency behind the API check, writer behind traffic's writer check.
      const latency = c.resources.find((x) => x.name.endsWith("-api-latencyRecord"))!;
      assert.equal(latency.inputs.healthCheckId, m.healthCheckId);
      const writer = c.resources.find((x) => x.name.endsWith("-api-writerRecord"))!;
      assert.equal(
        writer.inputs.healthCheckId,
        c.manifest.traffic.healthCheck.writerHealthCheckId,
        `${c.stack}: the writer API record moves with the writer record`,
      );
      const check = c.resources.find((x) => x.name.endsWith("-api-healthCheck"))!;
      assert.equal(check.inputs.fqdn, m.cellName);
      assert.equal(check.inputs.failureThreshold, c.manifest.traffic.healthCheck.failureThreshold);
      assert.equal(latency.inputs.ttl, c.manifest.traffic.ttlSeconds);
    }
  };

  it("the shipped stacks", () => check(shipped));
  it("the three-cell fixture", () => check(threeCells));
});
