import { Adapters, AdapterOptions, AdaptersFactory } from "../types";
import { awsArc } from "./arc";
import { awsCloudWatch } from "./cloudwatch";
import { awsDynamoDb } from "./dynamodb";
import { awsElastiCache } from "./elasticache";
import { awsKafka } from "./kafka";
import { awsRds } from "./rds";
import { awsRoute53 } from "./route53";
import { awsSts } from "./sts";

export { awsArc, awsCloudWatch, awsDynamoDb, awsElastiCache, awsKafka, awsRds, awsRoute53, awsSts };
export { classify, toAdapterError } from "./errors";
export { destroyAwsClients } from "./client";

/**
 * The real adapters: AWS SDK v3 with the standard credential chain (env, SSO, shared config,
 * instance/container roles) or a named profile, one client per service and region.
 */
export const AwsAdapters: AdaptersFactory = (options: AdapterOptions): Adapters => {
  const settings = { profile: options.profile, requestTimeoutMs: options.requestTimeoutMs };
  return {
    rds: awsRds(settings),
    cloudwatch: awsCloudWatch(settings),
    dynamodb: awsDynamoDb(settings),
    kafka: awsKafka(settings),
    elasticache: awsElastiCache(settings),
    route53: awsRoute53(settings),
    arc: awsArc(options.arcEndpoints ?? [], settings),
    sts: awsSts(settings),
  };
};
