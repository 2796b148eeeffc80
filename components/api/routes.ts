import { createHash } from "crypto";

/*
 * The API layer's routes and their integrations as data: the component builds them, the
 * manifest publishes them and the pack compares them across cells. Pure functions only.
 */

/** The stage every cell deploys; part of no URL a client sees (the custom domains map it). */
export const STAGE_NAME = "v1";
/** The cheap route Route 53 checks: a MOCK integration, no store behind it. */
export const HEALTH_PATH = "/health";

export type ApiRole = "regional" | "writer";
export type RouteIntegration = "mock" | "sqs" | "states";
export type RouteAuthorization = "NONE" | "COGNITO_USER_POOLS";

export interface RouteSpec {
  method: "GET" | "POST";
  /** One path segment below the root, e.g. `/orders`. */
  path: string;
  authorization: RouteAuthorization;
  integration: RouteIntegration;
}

const HEALTH: RouteSpec = {
  method: "GET",
  path: HEALTH_PATH,
  authorization: "NONE",
  integration: "mock",
};

/**
 * Two REST APIs per cell. The regional API sits behind the latency name and the cell's own
 * name (the health check's target); it has no write route, so a client that reaches a
 * non-writer cell by latency cannot write there. The writer API sits only behind the weighted
 * writer name, whose record in each cell is behind that cell's writer check (the gate quorum):
 * Route 53 answers only the writer cell.
 */
export const ROUTES: Record<ApiRole, readonly RouteSpec[]> = {
  regional: [HEALTH],
  writer: [
    HEALTH,
    { method: "POST", path: "/orders", authorization: "COGNITO_USER_POOLS", integration: "sqs" },
    { method: "POST", path: "/jobs", authorization: "COGNITO_USER_POOLS", integration: "states" },
  ],
};

/** `GET /health`: how routes are compared across cells. */
export function routeKey(r: Pick<RouteSpec, "method" | "path">): string {
  return `${r.method} ${r.path}`;
}

/** `/orders` -> `Orders`, for child resource names. */
export function pathRole(path: string): string {
  const seg = path.replace(/^\//, "");
  return seg.charAt(0).toUpperCase() + seg.slice(1);
}

/**
 * `arn:aws:sqs:us-east-1:123456789012:shop-use1-work` ->
 * `arn:aws:apigateway:us-east-1:sqs:path/123456789012/shop-use1-work` (the AWS integration URI
 * for the SQS query API on that queue).
 */
export function sqsIntegrationUri(queueArn: string): string {
  const m = /^arn:(aws[\w-]*):sqs:([a-z0-9-]+):(\d{12}):([\w-]+(\.fifo)?)$/.exec(queueArn);
  if (!m) throw new Error(`'${queueArn}' is not an SQS queue ARN`);
  return `arn:${m[1]}:apigateway:${m[2]}:sqs:path/${m[3]}/${m[4]}`;
}

/** The AWS integration URI of Step Functions' StartSyncExecution (Express workflows only). */
export function startSyncExecutionUri(region: string): string {
  return `arn:aws:apigateway:${region}:states:action/StartSyncExecution`;
}

/** `$util.escapeJavaScript` escapes `'` as `\'`, which is not JSON; undo just that. */
const JSON_BODY = `$util.escapeJavaScript($input.json('$')).replaceAll("\\\\'","'")`;

/**
 * SendMessage through the SQS query API: the body as the message, the API Gateway request id
 * and the caller's Cognito subject as attributes (the consumer's idempotency key and audit).
 */
export const SQS_REQUEST_TEMPLATE = [
  "Action=SendMessage",
  "MessageBody=$util.urlEncode($input.body)",
  "MessageAttribute.1.Name=requestId",
  "MessageAttribute.1.Value.DataType=String",
  "MessageAttribute.1.Value.StringValue=$util.urlEncode($context.requestId)",
  "MessageAttribute.2.Name=subject",
  "MessageAttribute.2.Value.DataType=String",
  "MessageAttribute.2.Value.StringValue=$util.urlEncode($context.authorizer.claims.sub)",
].join("&");

/** 202: accepted into this cell's queue; the consumer applies it (or the DLQ keeps it). */
export const SQS_RESPONSE_TEMPLATE = '{"accepted": true, "requestId": "$context.requestId"}';

/** StartSyncExecution's request: the job input carries the request id as the job id. */
export function statesRequestTemplate(stateMachineArn: string): string {
  return (
    `{"stateMachineArn": "${stateMachineArn}", ` +
    `"input": "{\\"jobId\\": \\"$context.requestId\\", \\"subject\\": \\"$context.authorizer.claims.sub\\", \\"body\\": ${JSON_BODY}}"}`
  );
}

/**
 * StartSyncExecution answers 200 even when the execution failed. A failed execution (the
 * workflow's admission check refuses in a cell that is not the writer, or a step failed)
 * becomes 503 with the workflow's error, so a client retries on the writer name.
 */
export const STATES_RESPONSE_TEMPLATE = [
  "#set($r = $input.path('$'))",
  '#if($r.status == "SUCCEEDED")',
  "$r.output",
  "#else",
  "#set($context.responseOverride.status = 503)",
  '{"error": "$util.escapeJavaScript($r.error)", "cause": "$util.escapeJavaScript($r.cause)", "requestId": "$context.requestId"}',
  "#end",
].join("\n");

export function healthResponseTemplate(role: ApiRole, cell: string, region: string): string {
  return JSON.stringify({ status: "ok", api: role, cell, region });
}

/**
 * Changes to the routes or templates need a new deployment; the stage keeps serving the old
 * one otherwise. A stable hash of what the deployment contains.
 */
export function deploymentHash(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

/**
 * The role API Gateway assumes for the writer API's integrations: SendMessage on this cell's
 * queue (and the KMS calls SQS makes for it on the cell key), StartSyncExecution on this
 * cell's state machine. Nothing else, nothing in another region.
 */
export function integrationPolicy(args: {
  region: string;
  queueArn: string;
  kmsKeyArn: string;
  stateMachineArn: string;
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Enqueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.queueArn },
      {
        // SendMessage to a queue under a customer key needs these, through SQS only.
        Sid: "EncryptForQueue",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: args.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `sqs.${args.region}.amazonaws.com` } },
      },
      {
        Sid: "RunJob",
        Effect: "Allow",
        Action: "states:StartSyncExecution",
        Resource: args.stateMachineArn,
      },
    ],
  });
}

/** Who may assume the integration role: the API Gateway service. */
export const API_GATEWAY_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "apigateway.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
});

/** JSON access log line: enough to follow a request across cells during a failover. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  domainName: "$context.domainName",
  ip: "$context.identity.sourceIp",
  method: "$context.httpMethod",
  path: "$context.resourcePath",
  status: "$context.status",
  integrationStatus: "$context.integration.status",
  integrationLatency: "$context.integration.latency",
  responseLatency: "$context.responseLatency",
  subject: "$context.authorizer.claims.sub",
  xrayTraceId: "$context.xrayTraceId",
});
