import { Service } from "../wire";
import { arc } from "./arc";
import { cloudwatch } from "./cloudwatch";
import { dynamodb } from "./dynamodb";
import { elasticache } from "./elasticache";
import { kafka } from "./kafka";
import { lambda } from "./lambda";
import { rds } from "./rds";
import { route53 } from "./route53";
import { sqs } from "./sqs";
import { sts } from "./sts";

/** Every emulated service, by SigV4 signing name (the credential scope's service). */
export const SERVICES: ReadonlyMap<string, Service> = new Map(
  [sts, rds, elasticache, dynamodb, cloudwatch, kafka, route53, arc, lambda, sqs].map((s) => [
    s.name,
    s,
  ]),
);

export const SERVICE_NAMES = [...SERVICES.keys()];
export { ARC_REGIONS } from "./arc";
