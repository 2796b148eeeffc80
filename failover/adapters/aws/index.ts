/* eslint-disable @typescript-eslint/no-require-imports -- each service is loaded on first use */
import { Adapters, AdapterOptions, AdaptersFactory } from "../types";
import type { ClientSettings } from "./client";

export { classify, isTransientAwsError, toAdapterError } from "./errors";

/*
 * Each service's adapter module (and with it its SDK client, the bulk of the command's start-up
 * time) is loaded when a command first uses that service: `status` loads the clients it reads,
 * `plan` and `iam-policy` none, and `--help` and `--version` none at all.
 */

/** True once a service module was loaded: only then can SDK clients exist to close at exit. */
let clientsLoaded = false;
function service<M>(module: M): M {
  clientsLoaded = true;
  return module;
}

const load = {
  arc: (): typeof import("./arc") => service(require("./arc")),
  client: (): typeof import("./client") => require("./client"),
  cloudwatch: (): typeof import("./cloudwatch") => service(require("./cloudwatch")),
  dynamodb: (): typeof import("./dynamodb") => service(require("./dynamodb")),
  elasticache: (): typeof import("./elasticache") => service(require("./elasticache")),
  kafka: (): typeof import("./kafka") => service(require("./kafka")),
  lambda: (): typeof import("./lambda") => service(require("./lambda")),
  rds: (): typeof import("./rds") => service(require("./rds")),
  route53: (): typeof import("./route53") => service(require("./route53")),
  sts: (): typeof import("./sts") => service(require("./sts")),
  sqs: (): typeof import("./sqs") => service(require("./sqs")),
};

export const awsArc: typeof import("./arc").awsArc = (...a) => load.arc().awsArc(...a);
export const awsCloudWatch: typeof import("./cloudwatch").awsCloudWatch = (...a) =>
  load.cloudwatch().awsCloudWatch(...a);
export const awsDynamoDb: typeof import("./dynamodb").awsDynamoDb = (...a) =>
  load.dynamodb().awsDynamoDb(...a);
export const awsElastiCache: typeof import("./elasticache").awsElastiCache = (...a) =>
  load.elasticache().awsElastiCache(...a);
export const awsKafka: typeof import("./kafka").awsKafka = (...a) => load.kafka().awsKafka(...a);
export const awsRds: typeof import("./rds").awsRds = (...a) => load.rds().awsRds(...a);
export const awsRoute53: typeof import("./route53").awsRoute53 = (...a) =>
  load.route53().awsRoute53(...a);
export const awsSts: typeof import("./sts").awsSts = (...a) => load.sts().awsSts(...a);
export const awsLambda: typeof import("./lambda").awsLambda = (...a) =>
  load.lambda().awsLambda(...a);
export const awsSqs: typeof import("./sqs").awsSqs = (...a) => load.sqs().awsSqs(...a);

/** Closes every SDK client's sockets; nothing to do when no command built one. */
export function destroyAwsClients(): void {
  if (clientsLoaded) load.client().destroyAwsClients();
}

/**
 * The real adapters: AWS SDK v3 with the standard credential chain (env, SSO, shared config,
 * instance/container roles) or a named profile, one client per service and region. Each service
 * adapter is built (and its SDK loaded) on first use.
 */
export const AwsAdapters: AdaptersFactory = (options: AdapterOptions): Adapters => {
  const settings: ClientSettings = {
    profile: options.profile,
    requestTimeoutMs: options.requestTimeoutMs,
  };
  const built: Partial<Adapters> = {};
  const once = <K extends keyof Adapters>(key: K, make: () => Adapters[K]): Adapters[K] =>
    (built[key] ??= make());
  return {
    get rds() {
      return once("rds", () => awsRds(settings));
    },
    get cloudwatch() {
      return once("cloudwatch", () => awsCloudWatch(settings));
    },
    get dynamodb() {
      return once("dynamodb", () => awsDynamoDb(settings));
    },
    get kafka() {
      return once("kafka", () => awsKafka(settings));
    },
    get elasticache() {
      return once("elasticache", () => awsElastiCache(settings));
    },
    get route53() {
      return once("route53", () => awsRoute53(settings));
    },
    get arc() {
      return once("arc", () => awsArc(options.arcEndpoints ?? [], settings));
    },
    get sts() {
      return once("sts", () => awsSts(settings));
    },
    get lambda() {
      return once("lambda", () => awsLambda(settings));
    },
    get sqs() {
      return once("sqs", () => awsSqs(settings));
    },
  };
};
