import { strict as assert } from "assert";
import { find, runStack } from "../testing/expect";
import { cellManifest, CellRegion } from "../testing/cells";
import { STACK_TYPE } from "../lib/policy";
import { DrManifest, MANIFEST_OUTPUT } from "../../manifest";
import type { PolicyInput } from "../run";
import { CellApi } from "../../components/api";
import { promiseOf, renderComponent } from "../../testing";
import type { Render } from "../../plan/render";
import { apigatewayStageThrottled } from "./stageThrottled";
import { apigatewayAuthorizerOnRoutes } from "./authorizerOnRoutes";
import { apigatewayRecordHealthCheck } from "./recordHealthCheck";
import { apigatewayRouteParity } from "./routeParity";
import { API_T } from "./types";

const named = (inputs: PolicyInput[], suffix: string) => {
  const found = inputs.filter((i) => i.name.endsWith(suffix));
  assert.equal(found.length, 1, `one resource named *${suffix}`);
  return found[0];
};
const messages = (f: { message: string }[]) => f.map((x) => x.message);

/*
 * Compliant cells for these policies: the real CellApi rendered through the mock runtime in
 * each cell's region (peers' pools accepted both ways), with the cell's sample manifest
 * carrying the rendered api section.
 */
const CELLS: Record<string, { cell: string; region: CellRegion }> = {
  "us-east-1": { cell: "use1", region: "us-east-1" },
  "eu-west-1": { cell: "euw1", region: "eu-west-1" },
};
const rendered = new Map<string, { render: Render; manifest: DrManifest }>();

async function renderCell(region: CellRegion, peerPool: string) {
  let api: CellApi | undefined;
  const render = await renderComponent(
    () => {
      api = new CellApi(`shop-${CELLS[region].cell}-api`, {
        identity: { app: "shop", cell: CELLS[region].cell, region },
        hostedZoneId: "Z04912345EXAMPLE0DR",
        zoneName: "shop.example.com",
        certificateArn: `arn:aws:acm:${region}:123456789012:certificate/abc`,
        queueArn: `arn:aws:sqs:${region}:123456789012:shop-${CELLS[region].cell}-work`,
        kmsKeyArn: `arn:aws:kms:${region}:123456789012:key/mrk-1`,
        stateMachineArn: `arn:aws:states:${region}:123456789012:stateMachine:shop-jobs`,
        writerHealthCheckId: `hc-writer-${CELLS[region].cell}`,
        peerUserPoolArns: [peerPool],
      });
    },
    { region },
  );
  const manifest = { ...cellManifest(region), api: await promiseOf(api!.manifestApi) };
  return { render, manifest };
}

function stackInputs(region: CellRegion, mutate?: (inputs: PolicyInput[]) => void): PolicyInput[] {
  const { render, manifest } = rendered.get(region)!;
  const inputs: PolicyInput[] = [
    { type: STACK_TYPE, name: "stack", props: { [MANIFEST_OUTPUT]: structuredClone(manifest) } },
    ...render.resources.map((r) => ({
      type: r.type,
      name: r.name,
      props: structuredClone(r.state),
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      parent: r.parent ?? "stack",
    })),
  ];
  mutate?.(inputs);
  return inputs;
}

const poolOf = (region: string) =>
  `arn:aws:cognito-idp:${region}:123456789012:userpool/${region}_peer`;

describe("policies/apigateway", () => {
  before(async function () {
    this.timeout(120_000);
    for (const [region, peer] of [
      ["us-east-1", "eu-west-1"],
      ["eu-west-1", "us-east-1"],
    ] as const) {
      rendered.set(region, await renderCell(region, poolOf(peer)));
    }
    // Each cell accepts the other's real pool: swap the placeholder for the rendered ARN.
    for (const [region, peer] of [
      ["us-east-1", "eu-west-1"],
      ["eu-west-1", "us-east-1"],
    ] as const) {
      const own = rendered.get(region)!.manifest.api!;
      const theirs = rendered.get(peer)!.manifest.api!.userPool.userPoolArn;
      own.acceptedUserPoolArns = own.acceptedUserPoolArns.map((a) =>
        a === poolOf(peer) ? theirs : a,
      );
    }
  });

  it("apigateway-stage-throttled: every stage has */* throttling above 0", () => {
    assert.deepEqual(runStack(apigatewayStageThrottled, stackInputs("us-east-1")), []);
    const zero = runStack(
      apigatewayStageThrottled,
      stackInputs("us-east-1", (i) => {
        const s = named(i, "-api-writerThrottling").props.settings as Record<string, unknown>;
        s.throttlingRateLimit = 0;
      }),
    );
    assert.equal(zero.length, 1);
    assert.match(zero[0].message, /throttled at rate 0, burst 1000; set both above 0/);
    const none = runStack(
      apigatewayStageThrottled,
      stackInputs("eu-west-1", (i) => {
        i.splice(i.indexOf(named(i, "-api-regionalThrottling")), 1);
      }),
    );
    assert.equal(none.length, 1);
    assert.match(
      none[0].message,
      /Stage "v1" has no aws.apigateway.MethodSettings with methodPath "\*\/\*"/,
    );
    assert.match(String(none[0].resource), /regionalStage$/);
  });

  it("apigateway-authorizer-on-routes: only GET /health is open", () => {
    assert.deepEqual(runStack(apigatewayAuthorizerOnRoutes, stackInputs("us-east-1")), []);
    const open = runStack(
      apigatewayAuthorizerOnRoutes,
      stackInputs("us-east-1", (i) => {
        named(i, "-api-writerOrdersPost").props.authorization = "NONE";
      }),
    );
    assert.deepEqual(messages(open), [
      'POST /orders has authorization "NONE"; only GET /health may be open. Set authorization "COGNITO_USER_POOLS" and the cell\'s authorizerId.',
    ]);
    const noAuthorizer = runStack(
      apigatewayAuthorizerOnRoutes,
      stackInputs("us-east-1", (i) => {
        delete named(i, "-api-writerJobsPost").props.authorizerId;
      }),
    );
    assert.match(
      messages(noAuthorizer).join(),
      /POST \/jobs uses COGNITO_USER_POOLS without an authorizerId/,
    );
    // A health path on POST is not the health route.
    const postHealth = runStack(
      apigatewayAuthorizerOnRoutes,
      stackInputs("us-east-1", (i) => {
        named(i, "-api-regionalHealthGet").props.httpMethod = "POST";
      }),
    );
    assert.equal(postHealth.length, 1);
  });

  it("apigateway-record-health-check: latency and weighted API records have a check", () => {
    assert.deepEqual(runStack(apigatewayRecordHealthCheck, stackInputs("eu-west-1")), []);
    for (const suffix of ["-api-latencyRecord", "-api-writerRecord"]) {
      const f = runStack(
        apigatewayRecordHealthCheck,
        stackInputs("eu-west-1", (i) => {
          delete named(i, suffix).props.healthCheckId;
        }),
      );
      assert.equal(f.length, 1, suffix);
      assert.match(
        f[0].message,
        /record gateway(-writer)?\.shop\.example\.com has no healthCheckId/,
      );
    }
    assert.ok(find(stackInputs("eu-west-1"), API_T.domainName, "shop-euw1-api-regionalCellDomain"));
    assert.equal(
      runStack(apigatewayRecordHealthCheck, stackInputs("eu-west-1"), {}).length,
      0,
      "the cell's own name (simple routing) is the check's target, not checked itself",
    );
  });

  it("apigateway-route-parity: same routes and accepted pools as the peers", () => {
    const peer = rendered.get("eu-west-1")!.manifest;
    const config = { peerManifests: [peer] };
    assert.deepEqual(runStack(apigatewayRouteParity, stackInputs("us-east-1"), config), []);

    const fewer = structuredClone(peer);
    fewer.api!.apis[1].routes = fewer.api!.apis[1].routes.filter((r) => r.path !== "/jobs");
    assert.deepEqual(
      messages(
        runStack(apigatewayRouteParity, stackInputs("us-east-1"), { peerManifests: [fewer] }),
      ),
      [
        "The API routes differ from prod-euw1's: only here: writer: POST /jobs (COGNITO_USER_POOLS, states). Deploy the same version of the program to every cell.",
      ],
    );
    const noApi = structuredClone(peer);
    delete noApi.api;
    assert.match(
      messages(
        runStack(apigatewayRouteParity, stackInputs("us-east-1"), { peerManifests: [noApi] }),
      ).join(),
      /prod-euw1's manifest has no api section/,
    );
    // This cell stopped accepting the peer's pool.
    const inputs = stackInputs("us-east-1", (i) => {
      const stack = find(i, STACK_TYPE);
      const m = structuredClone(stack.props[MANIFEST_OUTPUT]) as {
        api: { acceptedUserPoolArns: string[] };
      };
      m.api.acceptedUserPoolArns = m.api.acceptedUserPoolArns.slice(0, 1);
      stack.props = { ...stack.props, [MANIFEST_OUTPUT]: m };
    });
    assert.match(
      messages(runStack(apigatewayRouteParity, inputs, config)).join(),
      /do not accept tokens from prod-euw1's user pool/,
    );
  });
});
