import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ApiManifest } from "../../manifest/schema";
import { CellIdentity, cellTags, regionalName } from "../naming";
import { outOfBandProperties } from "../switchover/outOfBand";
import { throwArgIssues } from "../../validation/componentArgs";
import { healthCheckName, recordName, WRITER_WEIGHT } from "../traffic/switch";
import { healthCheckedRecordIssues } from "../traffic/cellTraffic";
import {
  ACCESS_LOG_FORMAT,
  API_GATEWAY_TRUST_POLICY,
  ApiRole,
  deploymentHash,
  HEALTH_PATH,
  healthResponseTemplate,
  integrationPolicy,
  pathRole,
  routeKey,
  ROUTES,
  RouteSpec,
  SQS_REQUEST_TEMPLATE,
  SQS_RESPONSE_TEMPLATE,
  sqsIntegrationUri,
  STAGE_NAME,
  startSyncExecutionUri,
  statesRequestTemplate,
  STATES_RESPONSE_TEMPLATE,
} from "./routes";

export interface CellApiArgs {
  identity: CellIdentity;
  hostedZoneId: pulumi.Input<string>;
  /** The hosted zone's domain, e.g. `shop.example.com`. */
  zoneName: string;
  /** Latency-routed API name, relative to the zone. Defaults to "gateway". */
  serviceName?: string;
  /** Weighted API name that reaches the writer cell, relative to the zone. Defaults to "gateway-writer". */
  writerName?: string;
  /** A regional ACM certificate, in this cell's region, covering the three API names. */
  certificateArn: pulumi.Input<string>;
  /** TTL of the latency and writer records, 1-60 s. Defaults to 60. */
  ttlSeconds?: number;
  /** Route 53 checks GET /health every 10 or 30 s. Defaults to 10. */
  healthCheckIntervalSeconds?: number;
  /** Consecutive failures (1-10) before the cell's API is unhealthy. Defaults to 3. */
  healthCheckFailureThreshold?: number;
  /** Steady requests per second per stage (every route). Defaults to 500. */
  throttleRateLimit?: number;
  /** Burst per stage. Defaults to 1000. */
  throttleBurstLimit?: number;
  /** Access-log retention in days. Defaults to 30. */
  logRetentionDays?: number;
  /**
   * Set the region's API Gateway account CloudWatch role (a setting per account and region,
   * which REST access logging needs). Defaults to true; false when the account already sets it.
   */
  manageAccountLogRole?: boolean;
  /** ID and access token validity in minutes (5-1440). Defaults to 60. */
  tokenValidityMinutes?: number;
  /** The cell's work queue: the write route enqueues here. */
  queueArn: pulumi.Input<string>;
  /** The key that encrypts the queue (SendMessage needs GenerateDataKey on it). */
  kmsKeyArn: pulumi.Input<string>;
  /** The cell's Express state machine: the job route runs it synchronously. */
  stateMachineArn: pulumi.Input<string>;
  /**
   * The cell's writer check (components/traffic: the gate quorum or the ARC control's check).
   * Absent while traffic defers it; the writer API record waits with it.
   */
  writerHealthCheckId?: pulumi.Input<string>;
  /** The peers' user pool ARNs (their manifests): their tokens are accepted here too. */
  peerUserPoolArns?: string[];
}

export interface ApiResources {
  role: ApiRole;
  restApi: aws.apigateway.RestApi;
  stage: aws.apigateway.Stage;
  methodSettings: aws.apigateway.MethodSettings;
  authorizer?: aws.apigateway.Authorizer;
  domains: aws.apigateway.DomainName[];
}

export interface CellApiOutputs {
  userPool: aws.cognito.UserPool;
  userPoolClient: aws.cognito.UserPoolClient;
  regional: ApiResources;
  writer: ApiResources;
  integrationRole: aws.iam.Role;
  accountLogRole?: aws.iam.Role;
  healthCheck: aws.route53.HealthCheck;
  cellRecord: aws.route53.Record;
  latencyRecord: aws.route53.Record;
  writerRecord?: aws.route53.Record;
  names: { cell: string; latency: string; writer: string };
  manifestApi: pulumi.Output<ApiManifest>;
}

const HEALTH_CHECK_TYPE = "aws:route53/healthCheck:HealthCheck";

/** Defaulted args: each default applied once, here. */
export function apiDefaults(
  args: Omit<
    CellApiArgs,
    "certificateArn" | "queueArn" | "kmsKeyArn" | "stateMachineArn" | "hostedZoneId"
  >,
) {
  return {
    serviceName: args.serviceName ?? "gateway",
    writerName: args.writerName ?? "gateway-writer",
    ttlSeconds: args.ttlSeconds ?? 60,
    healthCheckIntervalSeconds: args.healthCheckIntervalSeconds ?? 10,
    healthCheckFailureThreshold: args.healthCheckFailureThreshold ?? 3,
    throttleRateLimit: args.throttleRateLimit ?? 500,
    throttleBurstLimit: args.throttleBurstLimit ?? 1000,
    logRetentionDays: args.logRetentionDays ?? 30,
    manageAccountLogRole: args.manageAccountLogRole ?? true,
    tokenValidityMinutes: args.tokenValidityMinutes ?? 60,
    peerUserPoolArns: args.peerUserPoolArns ?? [],
  };
}

/**
 * A cell's API layer: a Cognito user pool, a regional REST API behind the latency name and the
 * cell's own name (health only), a writer REST API behind the weighted writer name (health,
 * enqueue, job), their stages (throttled, access-logged, traced), custom domains and records.
 */
export function createCellApi(
  name: string,
  args: CellApiArgs,
  parent: pulumi.Resource,
): CellApiOutputs {
  const d = apiDefaults(args);
  throwArgIssues(`dr:api:CellApi ${name}`, apiArgIssues(args, d));
  const { identity } = args;
  const tags = cellTags(identity);
  const opts = { parent };

  const names = {
    cell: recordName(`${d.serviceName}-${identity.cell}`, args.zoneName),
    latency: recordName(d.serviceName, args.zoneName),
    writer: recordName(d.writerName, args.zoneName),
  };

  // Cognito: a pool per cell (pools are regional and AWS does not replicate them). Every
  // cell's authorizer accepts every cell's pool, so a signed-in user's token keeps working
  // in whichever cell serves them (docs/layers/api.md says what it does not cover).
  const userPool = new aws.cognito.UserPool(
    `${name}-userPool`,
    {
      name: regionalName(identity, "users"),
      deletionProtection: "ACTIVE",
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      mfaConfiguration: "OPTIONAL",
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: false,
        temporaryPasswordValidityDays: 3,
      },
      accountRecoverySetting: {
        recoveryMechanisms: [{ name: "verified_email", priority: 1 }],
      },
      tags,
    },
    opts,
  );
  const userPoolClient = new aws.cognito.UserPoolClient(
    `${name}-userPoolClient`,
    {
      name: regionalName(identity, "api"),
      userPoolId: userPool.id,
      generateSecret: false,
      explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      // Short tokens bound how long a token outlives the pool that issued it (a failover).
      accessTokenValidity: d.tokenValidityMinutes,
      idTokenValidity: d.tokenValidityMinutes,
      refreshTokenValidity: 30,
      tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
    },
    opts,
  );
  const acceptedPools = pulumi
    .output(userPool.arn)
    .apply((own) => [own, ...d.peerUserPoolArns.filter((a) => a !== own)]);

  // REST access logs go through the account's CloudWatch role, one per account and region.
  let accountLogRole: aws.iam.Role | undefined;
  let account: aws.apigateway.Account | undefined;
  if (d.manageAccountLogRole) {
    accountLogRole = new aws.iam.Role(
      `${name}-accountLogRole`,
      {
        name: regionalName(identity, "apigw-logs"),
        assumeRolePolicy: API_GATEWAY_TRUST_POLICY,
        managedPolicyArns: [
          "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
        ],
        tags,
      },
      opts,
    );
    account = new aws.apigateway.Account(
      `${name}-account`,
      { cloudwatchRoleArn: accountLogRole.arn },
      opts,
    );
  }

  const integrationRole = new aws.iam.Role(
    `${name}-integrationRole`,
    {
      name: regionalName(identity, "apigw-integrations"),
      assumeRolePolicy: API_GATEWAY_TRUST_POLICY,
      tags,
    },
    opts,
  );
  const integrationRolePolicy = new aws.iam.RolePolicy(
    `${name}-integrationRolePolicy`,
    {
      role: integrationRole.id,
      policy: pulumi
        .all([args.queueArn, args.kmsKeyArn, args.stateMachineArn])
        .apply(([queueArn, kmsKeyArn, stateMachineArn]) =>
          integrationPolicy({ region: identity.region, queueArn, kmsKeyArn, stateMachineArn }),
        ),
    },
    opts,
  );

  const buildApi = (role: ApiRole, domainNames: string[]): ApiResources => {
    const prefix = `${name}-${role}`;
    const routes = ROUTES[role];
    const restApi = new aws.apigateway.RestApi(
      `${prefix}Api`,
      {
        name: regionalName(identity, role === "writer" ? "api-writer" : "api"),
        description:
          role === "writer"
            ? `Writes to the ${identity.app} cell in ${identity.region}; reached only through ${names.writer}.`
            : `The ${identity.app} cell in ${identity.region}, behind ${names.latency}.`,
        endpointConfiguration: { types: "REGIONAL" },
        // Only the custom domains reach it: the writer API must not be reachable around the
        // writer name, and the records and checks all use the domains.
        disableExecuteApiEndpoint: true,
        tags,
      },
      opts,
    );
    const authorizer = routes.some((r) => r.authorization === "COGNITO_USER_POOLS")
      ? new aws.apigateway.Authorizer(
          `${prefix}Authorizer`,
          {
            name: "cognito",
            restApi: restApi.id,
            type: "COGNITO_USER_POOLS",
            providerArns: acceptedPools,
            identitySource: "method.request.header.Authorization",
          },
          opts,
        )
      : undefined;

    const deployed: pulumi.Resource[] = [];
    for (const route of routes) {
      deployed.push(...buildRoute(prefix, restApi, route, role, authorizer));
    }

    const templates = routes.map((r) => ({
      route: routeKey(r),
      authorization: r.authorization,
      integration: r.integration,
    }));
    const deployment = new aws.apigateway.Deployment(
      `${prefix}Deployment`,
      {
        restApi: restApi.id,
        description: `Routes: ${routes.map(routeKey).join(", ")}`,
        triggers: {
          redeployment: pulumi
            .all([args.queueArn, args.stateMachineArn, acceptedPools])
            .apply((wiring) => deploymentHash({ templates, wiring, version: 1 })),
        },
      },
      { parent, dependsOn: deployed },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${prefix}AccessLogs`,
      {
        name: `/aws/apigateway/${regionalName(identity, role === "writer" ? "api-writer" : "api")}/access`,
        retentionInDays: d.logRetentionDays,
        tags,
      },
      opts,
    );
    const stage = new aws.apigateway.Stage(
      `${prefix}Stage`,
      {
        restApi: restApi.id,
        deployment: deployment.id,
        stageName: STAGE_NAME,
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: logGroup.arn, format: ACCESS_LOG_FORMAT },
        tags,
      },
      { parent, dependsOn: account ? [account] : [] },
    );
    const methodSettings = new aws.apigateway.MethodSettings(
      `${prefix}Throttling`,
      {
        restApi: restApi.id,
        stageName: stage.stageName,
        methodPath: "*/*",
        settings: {
          throttlingRateLimit: d.throttleRateLimit,
          throttlingBurstLimit: d.throttleBurstLimit,
          metricsEnabled: true,
          loggingLevel: "ERROR",
          dataTraceEnabled: false,
        },
      },
      { parent, dependsOn: account ? [account] : [] },
    );

    const domains = domainNames.map((domainName, i) => {
      const what = domainNames.length > 1 && i > 0 ? "CellDomain" : "Domain";
      const domain = new aws.apigateway.DomainName(
        `${prefix}${what}`,
        {
          domainName,
          regionalCertificateArn: args.certificateArn,
          endpointConfiguration: { types: "REGIONAL" },
          securityPolicy: "TLS_1_2",
          tags,
        },
        opts,
      );
      new aws.apigateway.BasePathMapping(
        `${prefix}${what}Mapping`,
        { domainName: domain.domainName, restApi: restApi.id, stageName: stage.stageName },
        opts,
      );
      return domain;
    });
    return { role, restApi, stage, methodSettings, authorizer, domains };
  };

  const buildRoute = (
    prefix: string,
    restApi: aws.apigateway.RestApi,
    route: RouteSpec,
    role: ApiRole,
    authorizer: aws.apigateway.Authorizer | undefined,
  ): pulumi.Resource[] => {
    const id = `${prefix}${pathRole(route.path)}`;
    const resource = new aws.apigateway.Resource(
      `${id}Resource`,
      { restApi: restApi.id, parentId: restApi.rootResourceId, pathPart: route.path.slice(1) },
      opts,
    );
    const method = new aws.apigateway.Method(
      `${id}${route.method === "GET" ? "Get" : "Post"}`,
      {
        restApi: restApi.id,
        resourceId: resource.id,
        httpMethod: route.method,
        authorization: route.authorization,
        ...(route.authorization === "COGNITO_USER_POOLS" ? { authorizerId: authorizer!.id } : {}),
      },
      opts,
    );
    const integrationArgs = ((): Omit<
      aws.apigateway.IntegrationArgs,
      "restApi" | "resourceId" | "httpMethod"
    > => {
      switch (route.integration) {
        case "mock":
          return { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } };
        case "sqs":
          return {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: pulumi.output(args.queueArn).apply(sqsIntegrationUri),
            credentials: integrationRole.arn,
            passthroughBehavior: "NEVER",
            requestParameters: {
              "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'",
            },
            requestTemplates: { "application/json": SQS_REQUEST_TEMPLATE },
          };
        case "states":
          return {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: startSyncExecutionUri(identity.region),
            credentials: integrationRole.arn,
            passthroughBehavior: "NEVER",
            requestTemplates: {
              "application/json": pulumi.output(args.stateMachineArn).apply(statesRequestTemplate),
            },
          };
      }
    })();
    const integration = new aws.apigateway.Integration(
      `${id}Integration`,
      {
        restApi: restApi.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        ...integrationArgs,
      },
      { parent, dependsOn: [integrationRolePolicy] },
    );
    const ok = route.integration === "sqs" ? "202" : "200";
    const responses: Array<{
      status: string;
      selectionPattern?: string;
      template: pulumi.Input<string>;
    }> = [
      {
        status: ok,
        template:
          route.integration === "mock"
            ? healthResponseTemplate(role, identity.cell, identity.region)
            : route.integration === "sqs"
              ? SQS_RESPONSE_TEMPLATE
              : STATES_RESPONSE_TEMPLATE,
      },
    ];
    if (route.integration !== "mock") {
      // The service refused or failed: the client retries; no AWS error text leaks through.
      responses.push({
        status: "502",
        selectionPattern: "[45]\\d{2}",
        template: '{"error": "integration failed", "requestId": "$context.requestId"}',
      });
    }
    const created: pulumi.Resource[] = [resource, method, integration];
    for (const r of responses) {
      const methodResponse = new aws.apigateway.MethodResponse(
        `${id}Response${r.status}`,
        {
          restApi: restApi.id,
          resourceId: resource.id,
          httpMethod: method.httpMethod,
          statusCode: r.status,
        },
        opts,
      );
      const integrationResponse = new aws.apigateway.IntegrationResponse(
        `${id}IntegrationResponse${r.status}`,
        {
          restApi: restApi.id,
          resourceId: resource.id,
          httpMethod: method.httpMethod,
          statusCode: methodResponse.statusCode,
          ...(r.selectionPattern ? { selectionPattern: r.selectionPattern } : {}),
          responseTemplates: { "application/json": r.template },
        },
        { parent, dependsOn: [integration] },
      );
      created.push(methodResponse, integrationResponse);
    }
    return created;
  };

  const regional = buildApi("regional", [names.latency, names.cell]);
  const writer = buildApi("writer", [names.writer]);

  const [latencyDomain, cellDomain] = regional.domains;
  const writerDomain = writer.domains[0];

  const cellRecord = new aws.route53.Record(
    `${name}-cellRecord`,
    {
      zoneId: args.hostedZoneId,
      name: names.cell,
      type: "A",
      aliases: [
        {
          name: cellDomain.regionalDomainName,
          zoneId: cellDomain.regionalZoneId,
          evaluateTargetHealth: false,
        },
      ],
    },
    opts,
  );
  const healthCheck = new aws.route53.HealthCheck(
    `${name}-healthCheck`,
    {
      type: "HTTPS",
      fqdn: names.cell,
      port: 443,
      resourcePath: HEALTH_PATH,
      enableSni: true,
      requestInterval: d.healthCheckIntervalSeconds,
      failureThreshold: d.healthCheckFailureThreshold,
      measureLatency: true,
      tags: { ...tags, Name: healthCheckName(identity, "api-https") },
    },
    { parent, dependsOn: [cellRecord], ignoreChanges: outOfBandProperties(HEALTH_CHECK_TYPE) },
  );
  // CNAMEs to the domains' regional names, not aliases: an alias takes the target's TTL, and
  // the configured TTL is part of the RTO budget (as components/traffic does).
  const latencyRecord = new aws.route53.Record(
    `${name}-latencyRecord`,
    {
      zoneId: args.hostedZoneId,
      name: names.latency,
      type: "CNAME",
      ttl: d.ttlSeconds,
      records: [latencyDomain.regionalDomainName],
      setIdentifier: identity.cell,
      latencyRoutingPolicies: [{ region: identity.region }],
      healthCheckId: healthCheck.id,
    },
    opts,
  );
  // The writer API's record moves with the writer: behind the same writer check as the
  // cell's writer record in components/traffic, so the failover commands move both at once.
  const writerRecord = args.writerHealthCheckId
    ? new aws.route53.Record(
        `${name}-writerRecord`,
        {
          zoneId: args.hostedZoneId,
          name: names.writer,
          type: "CNAME",
          ttl: d.ttlSeconds,
          records: [writerDomain.regionalDomainName],
          setIdentifier: identity.cell,
          weightedRoutingPolicies: [{ weight: WRITER_WEIGHT }],
          healthCheckId: args.writerHealthCheckId,
        },
        opts,
      )
    : undefined;

  const apiEntry = (a: ApiResources) =>
    pulumi
      .all([a.restApi.id, a.authorizer ? a.authorizer.id : pulumi.output(null)])
      .apply(([restApiId, authorizerId]) => ({
        role: a.role,
        restApiId,
        authorizerId,
        stageName: STAGE_NAME,
        domainNames: a.role === "writer" ? [names.writer] : [names.latency, names.cell],
        routes: ROUTES[a.role].map((r) => ({ ...r })),
      }));
  const manifestApi: pulumi.Output<ApiManifest> = pulumi
    .all([
      apiEntry(regional),
      apiEntry(writer),
      userPool.id,
      userPool.arn,
      userPool.endpoint,
      userPoolClient.id,
      acceptedPools,
      healthCheck.id,
    ])
    .apply(
      ([
        r,
        w,
        userPoolId,
        userPoolArn,
        endpoint,
        clientId,
        accepted,
        healthCheckId,
      ]): ApiManifest => ({
        type: "rest",
        throttle: { rateLimit: d.throttleRateLimit, burstLimit: d.throttleBurstLimit },
        apis: [r, w],
        healthCheckId,
        latencyRecord: { name: names.latency, setIdentifier: identity.cell },
        writerRecord: writerRecord ? { name: names.writer, setIdentifier: identity.cell } : null,
        cellName: names.cell,
        userPool: {
          userPoolId,
          userPoolArn,
          clientId,
          issuer: `https://${endpoint}`,
          tokenValidityMinutes: d.tokenValidityMinutes,
        },
        acceptedUserPoolArns: accepted,
      }),
    );

  return {
    userPool,
    userPoolClient,
    regional,
    writer,
    integrationRole,
    accountLogRole,
    healthCheck,
    cellRecord,
    latencyRecord,
    writerRecord,
    names,
    manifestApi,
  };
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const POOL_ARN = /^arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+$/;

/** The component's own guard (the config schema checks the same for `dr:api`). */
function apiArgIssues(
  args: CellApiArgs,
  d: ReturnType<typeof apiDefaults>,
): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const add = (propertyPath: string, reason: string) =>
    issues.push({ propertyPath, reason: `${propertyPath} ${reason}` });
  for (const key of ["serviceName", "writerName"] as const) {
    if (!DNS_LABEL.test(d[key])) {
      add(key, `'${d[key]}' is not a DNS label; use a-z, 0-9 and '-' (dr:api.${key}).`);
    }
  }
  if (d.serviceName === d.writerName) {
    add(
      "serviceName",
      `and writerName are both '${d.serviceName}'; the latency and writer API names must differ (dr:api).`,
    );
  }
  healthCheckedRecordIssues(d, add);
  if (!(d.throttleRateLimit > 0) || !(d.throttleBurstLimit > 0)) {
    add(
      "throttleRateLimit",
      `and throttleBurstLimit must be above 0 (got ${d.throttleRateLimit}, ${d.throttleBurstLimit}); an unthrottled stage takes the account's whole limit (dr:api.throttle).`,
    );
  }
  d.peerUserPoolArns.forEach((a, i) => {
    if (!POOL_ARN.test(a)) {
      add(`peerUserPoolArns[${i}]`, `'${a}' is not a Cognito user pool ARN.`);
    }
  });
  return issues;
}

/** A cell's API Gateway layer and its Cognito user pool. */
export class CellApi extends pulumi.ComponentResource {
  readonly userPoolArn: pulumi.Output<string>;
  readonly healthCheckId: pulumi.Output<string>;
  readonly latencyName: pulumi.Output<string>;
  readonly writerName: pulumi.Output<string>;
  /** The DR manifest's `api` section. */
  readonly manifestApi: pulumi.Output<ApiManifest>;

  constructor(name: string, args: CellApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dr:api:CellApi", name, {}, opts);
    const out = createCellApi(name, args, this);
    this.userPoolArn = out.userPool.arn;
    this.healthCheckId = out.healthCheck.id;
    this.latencyName = pulumi.output(out.names.latency);
    this.writerName = pulumi.output(out.names.writer);
    this.manifestApi = out.manifestApi;
    this.registerOutputs({
      userPoolArn: this.userPoolArn,
      healthCheckId: this.healthCheckId,
      latencyName: this.latencyName,
      writerName: this.writerName,
      manifestApi: this.manifestApi,
    });
  }
}
