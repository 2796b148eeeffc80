/**
 * The Lambda handlers' settings, read once from the environment the functions component sets
 * (components/functions). A missing or malformed variable is a deployment error: the handler
 * throws at cold start with the variable's name, so the invocation fails and the source keeps
 * the records (SQS redelivers, the stream retries) instead of a handler guessing.
 */

export const ENV = {
  region: "AWS_REGION",
  homeRegion: "DR_HOME_REGION",
  peerRegions: "DR_PEER_REGIONS",
  controlTable: "DR_CONTROL_TABLE",
  leaseSeconds: "DR_LEASE_SECONDS",
  tableName: "DR_TABLE_NAME",
  partitionKey: "DR_PARTITION_KEY",
  sortKey: "DR_SORT_KEY",
  busName: "DR_BUS_NAME",
  topicArn: "DR_TOPIC_ARN",
  eventSource: "DR_EVENT_SOURCE",
} as const;

export type Env = Record<string, string | undefined>;

export function required(env: Env, name: string): string {
  const v = env[name];
  if (v === undefined || v.trim() === "") {
    throw new Error(
      `environment variable ${name} is not set; the functions component (components/functions) sets it, redeploy with 'pulumi up'`,
    );
  }
  return v.trim();
}

/** The admission settings every handler that writes needs (docs/admission.md). */
export interface AdmissionSettings {
  region: string;
  homeRegion: string;
  peers: string[];
  controlTable: string;
  leaseSeconds?: number;
}

export function admissionSettings(env: Env): AdmissionSettings {
  const peers = required(env, ENV.peerRegions)
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const lease = env[ENV.leaseSeconds];
  const leaseSeconds = lease === undefined || lease === "" ? undefined : Number(lease);
  if (leaseSeconds !== undefined && !(Number.isFinite(leaseSeconds) && leaseSeconds > 0)) {
    throw new Error(
      `environment variable ${ENV.leaseSeconds} must be a positive number, got '${lease}'`,
    );
  }
  return {
    region: required(env, ENV.region),
    homeRegion: required(env, ENV.homeRegion),
    peers,
    controlTable: required(env, ENV.controlTable),
    ...(leaseSeconds !== undefined ? { leaseSeconds } : {}),
  };
}
