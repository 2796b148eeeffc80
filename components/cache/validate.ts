import * as pulumi from "@pulumi/pulumi";
import { isKnown } from "../../validation/componentArgs";
import { parseCidr } from "../../config/cidr";
import { CellIdentity, regionalName } from "../naming";

/** What the validator needs to know of the args; Outputs are left for AWS to check. */
export interface CacheArgsToCheck {
  identity: CellIdentity;
  role: string;
  engine: pulumi.Input<string>;
  engineVersion: pulumi.Input<string>;
  nodeType: pulumi.Input<string>;
  replicas?: pulumi.Input<number>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  allowedCidrBlocks: pulumi.Input<pulumi.Input<string>[]>;
  globalDatastoreSuffix: string;
  globalReplicationGroupId?: pulumi.Input<string>;
}

const SUFFIX = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** AWS prepends a 5-letter, region-specific prefix to the suffix: `ldgnf-shop-global`. */
const GLOBAL_ID_PREFIX = /^[a-z]{5}-/;

/** Every problem with the cache args, each naming the arg and the fix. */
export function cacheArgIssues(args: CacheArgsToCheck): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const add = (propertyPath: string, reason: string) => issues.push({ propertyPath, reason });

  // The replication group id and the security group name are both this regional name.
  const groupName = regionalName(args.identity, "cache");
  if (groupName.length > 40 || groupName.includes("--") || groupName.startsWith("sg-")) {
    add(
      "identity",
      `gives the cache the name '${groupName}', which ElastiCache and EC2 refuse (at most 40 characters, no '--', not starting with 'sg-'); shorten or rename dr:app or dr:cell.`,
    );
  }
  if (isKnown(args.engine) && args.engine !== "valkey" && args.engine !== "redis") {
    add("engine", `'${args.engine}' is not a global-datastore engine; use valkey or redis.`);
  }
  if (isKnown(args.engineVersion) && !/^\d+\.\d+(\.\d+)?$/.test(args.engineVersion)) {
    add("engineVersion", `'${args.engineVersion}' must be an engine version such as 7.2.`);
  }
  if (isKnown(args.nodeType)) {
    if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(args.nodeType)) {
      add("nodeType", `'${args.nodeType}' must be a node type such as cache.r7g.large.`);
    } else if (/^cache\.t\d/.test(args.nodeType)) {
      add(
        "nodeType",
        `'${args.nodeType}' is a burstable type, which global datastores do not support; use an M or R type such as cache.r7g.large.`,
      );
    }
  }
  if (
    isKnown(args.replicas) &&
    (!Number.isInteger(args.replicas) || args.replicas < 1 || args.replicas > 5)
  ) {
    add(
      "replicas",
      `${String(args.replicas)} must be a whole number from 1 to 5: Multi-AZ failover needs at least one replica.`,
    );
  }
  if (isKnown(args.subnetIds) && args.subnetIds.length < 2) {
    add(
      "subnetIds",
      `lists ${args.subnetIds.length} subnet(s); Multi-AZ needs private subnets in at least 2 availability zones.`,
    );
  }
  if (isKnown(args.allowedCidrBlocks)) {
    if (args.allowedCidrBlocks.length === 0) {
      add("allowedCidrBlocks", "is empty, so no client could connect; list the VPC CIDR at least.");
    }
    args.allowedCidrBlocks.forEach((cidr, i) => {
      if (typeof cidr === "string" && parseCidr(cidr) === undefined) {
        add(`allowedCidrBlocks[${i}]`, `'${cidr}' is not an IPv4 CIDR such as 10.10.0.0/16.`);
      }
    });
  }
  if (
    typeof args.globalDatastoreSuffix !== "string" ||
    !SUFFIX.test(args.globalDatastoreSuffix) ||
    args.globalDatastoreSuffix.length > 34
  ) {
    add(
      "globalDatastoreSuffix",
      `'${String(args.globalDatastoreSuffix)}' must be up to 34 characters of a-z, 0-9 and single hyphens, starting with a letter (e.g. shop-global).`,
    );
  }

  if (args.role === "joiner") {
    const id = args.globalReplicationGroupId;
    if (id === undefined || id === "") {
      add(
        "globalReplicationGroupId",
        "is required on a joiner: pass the full global datastore id AWS assigned (stores.cache.globalReplicationGroupId in the home DR manifest). Deploy the home stack first.",
      );
    } else if (isKnown(id) && SUFFIX.test(args.globalDatastoreSuffix ?? "")) {
      if (id === args.globalDatastoreSuffix) {
        add(
          "globalReplicationGroupId",
          `'${id}' is only the suffix; AWS prefixes it (e.g. ldgnf-${id}). Pass the full id from the home DR manifest.`,
        );
      } else if (!GLOBAL_ID_PREFIX.test(id) || !id.endsWith(`-${args.globalDatastoreSuffix}`)) {
        add(
          "globalReplicationGroupId",
          `'${id}' is not the id of global datastore '${args.globalDatastoreSuffix}' (expected <prefix>-${args.globalDatastoreSuffix}); pass the id from the home DR manifest, or align globalDatastoreSuffix with the home cell.`,
        );
      }
    }
  } else if (args.role !== "home") {
    add("role", `'${args.role}' must be home or joiner.`);
  }
  return issues;
}
