import type * as pulumi from "@pulumi/pulumi";

/*
 * Pure, engine-specific facts and argument checks for the Aurora global database. Kept apart
 * from the component so tests (and the policy pack) can use them without the mock runtime.
 */

export type AuroraEngine = "aurora-postgresql" | "aurora-mysql";

export interface EngineSettings {
  port: number;
  /** RDS Proxy's `engineFamily`. */
  proxyEngineFamily: "POSTGRESQL" | "MYSQL";
  /** How clients authenticate to the proxy with a password (when IAM auth is disabled). */
  proxyClientPasswordAuthType: string;
  /** Every log type the engine can export to CloudWatch Logs. */
  cloudwatchLogExports: string[];
  /** Longest master user name the engine accepts. */
  maxUsernameLength: number;
  /** An example engineVersion, for error messages. */
  exampleVersion: string;
  versionPattern: RegExp;
}

export const ENGINE_SETTINGS: Readonly<Record<AuroraEngine, EngineSettings>> = {
  "aurora-postgresql": {
    port: 5432,
    proxyEngineFamily: "POSTGRESQL",
    proxyClientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
    cloudwatchLogExports: ["postgresql"],
    maxUsernameLength: 63,
    exampleVersion: "16.6",
    versionPattern: /^\d+(\.\d+)?$/,
  },
  "aurora-mysql": {
    port: 3306,
    proxyEngineFamily: "MYSQL",
    proxyClientPasswordAuthType: "MYSQL_NATIVE_PASSWORD",
    cloudwatchLogExports: ["audit", "error", "general", "slowquery"],
    maxUsernameLength: 16,
    exampleVersion: "8.0.mysql_aurora.3.08.0",
    versionPattern: /^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/,
  },
};

/** RDS identifiers (global cluster, cluster, instance, proxy): a letter, then letters, digits, single hyphens. */
export function rdsIdentifierProblem(value: string, maxLength = 63): string | undefined {
  if (value.length === 0 || value.length > maxLength)
    return `must be 1 to ${maxLength} characters long`;
  if (!/^[A-Za-z]/.test(value)) return "must start with a letter";
  if (!/^[A-Za-z0-9-]+$/.test(value)) return "may contain only letters, digits and hyphens";
  if (value.endsWith("-") || value.includes("--"))
    return "must not end with a hyphen or contain two consecutive hyphens";
  return undefined;
}

/**
 * The preferred maintenance window (UTC). The home and joining cells get different days so the
 * two sides of the global database are never in maintenance at the same time.
 */
export function defaultMaintenanceWindow(role: "home" | "joiner"): string {
  return role === "home" ? "sun:05:00-sun:06:00" : "wed:05:00-wed:06:00";
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WEEK = 7 * 1440;

function clock(hh: string, mm: string): number | undefined {
  const h = Number(hh);
  const m = Number(mm);
  return h < 24 && m < 60 ? h * 60 + m : undefined;
}

/** `03:00-04:00` -> minutes of the day [start, end); end may pass midnight. */
export function parseBackupWindow(window: string): [number, number] | undefined {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(window);
  if (!m) return undefined;
  const start = clock(m[1], m[2]);
  let end = clock(m[3], m[4]);
  if (start === undefined || end === undefined) return undefined;
  if (end <= start) end += 1440;
  return [start, end];
}

/** `sun:05:00-sun:06:00` -> minutes of the week [start, end); end may pass the week's end. */
export function parseMaintenanceWindow(window: string): [number, number] | undefined {
  const m = /^([a-z]{3}):(\d\d):(\d\d)-([a-z]{3}):(\d\d):(\d\d)$/.exec(window.toLowerCase());
  if (!m) return undefined;
  const d1 = DAYS.indexOf(m[1]);
  const d2 = DAYS.indexOf(m[4]);
  const t1 = clock(m[2], m[3]);
  const t2 = clock(m[5], m[6]);
  if (d1 < 0 || d2 < 0 || t1 === undefined || t2 === undefined) return undefined;
  const start = d1 * 1440 + t1;
  let end = d2 * 1440 + t2;
  if (end <= start) end += WEEK;
  return [start, end];
}

/** Whether a weekly maintenance window overlaps the daily backup window on any day. */
export function windowsOverlap(backup: [number, number], maintenance: [number, number]): boolean {
  // Compare over two weeks so windows that wrap past midnight or Saturday are covered.
  for (let day = 0; day < 14; day++) {
    const b0 = day * 1440 + backup[0];
    const b1 = day * 1440 + backup[1];
    for (const shift of [0, WEEK]) {
      if (b0 < maintenance[1] + shift && maintenance[0] + shift < b1) return true;
    }
  }
  return false;
}

/** What is wrong with the backup and maintenance windows (each only when it is a string). */
export function windowIssues(
  backup: unknown,
  maintenance: unknown,
): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const b = typeof backup === "string" ? parseBackupWindow(backup) : undefined;
  const m = typeof maintenance === "string" ? parseMaintenanceWindow(maintenance) : undefined;
  if (typeof backup === "string" && (!b || b[1] - b[0] < 30)) {
    issues.push({
      propertyPath: "preferredBackupWindow",
      reason: `preferredBackupWindow '${backup}' must be hh24:mi-hh24:mi in UTC, at least 30 minutes long (e.g. 03:00-04:00).`,
    });
  }
  if (typeof maintenance === "string" && (!m || m[1] - m[0] < 30)) {
    issues.push({
      propertyPath: "preferredMaintenanceWindow",
      reason: `preferredMaintenanceWindow '${maintenance}' must be ddd:hh24:mi-ddd:hh24:mi in UTC, at least 30 minutes long (e.g. sun:05:00-sun:06:00).`,
    });
  }
  if (b && m && b[1] - b[0] >= 30 && m[1] - m[0] >= 30 && windowsOverlap(b, m)) {
    issues.push({
      propertyPath: "preferredMaintenanceWindow",
      reason: `preferredMaintenanceWindow '${String(maintenance)}' overlaps the daily backup window '${String(backup)}'; RDS refuses that: move one of them.`,
    });
  }
  return issues;
}

/** `arn:aws:rds::123456789012:global-cluster:shop-global`, from any RDS ARN of the account. */
export function globalClusterArnFrom(rdsArn: string, globalClusterIdentifier: string): string {
  const m = /^arn:(aws[\w-]*):rds:[a-z0-9-]*:(\d{12}):/.exec(rdsArn);
  if (!m) throw new Error(`'${rdsArn}' is not an RDS ARN; cannot derive the global cluster ARN.`);
  return `arn:${m[1]}:rds::${m[2]}:global-cluster:${globalClusterIdentifier}`;
}

/** The plain (non-Output) args the checks need. */
export interface AuroraArgsToCheck {
  role: unknown;
  region: string;
  globalClusterIdentifier: unknown;
  clusterIdentifier: string;
  engine: unknown;
  engineVersion: unknown;
  instanceClass: unknown;
  instances: unknown;
  databaseName: unknown;
  masterUsername: unknown;
  backupRetentionDays: unknown;
  preferredBackupWindow: unknown;
  preferredMaintenanceWindow: unknown;
  /** Whether each role-specific arg was given. */
  hasReplicaRegions: boolean;
  hasMasterSecretArn: boolean;
  masterSecretArn: unknown;
}

/**
 * Every field problem in the args (empty when valid), each naming the arg and the fix. Values
 * that are Outputs are not known yet and are left to AWS.
 */
export function auroraArgIssues(a: AuroraArgsToCheck): pulumi.InputPropertyErrorDetails[] {
  const issues: pulumi.InputPropertyErrorDetails[] = [];
  const add = (propertyPath: string, reason: string) => issues.push({ propertyPath, reason });

  if (a.role !== "home" && a.role !== "joiner") {
    add("role", `role must be "home" or "joiner", got ${JSON.stringify(a.role)}.`);
  }
  if (typeof a.globalClusterIdentifier !== "string") {
    add(
      "globalClusterIdentifier",
      "globalClusterIdentifier must be a plain string, the same in every region (e.g. shop-global).",
    );
  } else {
    const problem = rdsIdentifierProblem(a.globalClusterIdentifier);
    if (problem) {
      add(
        "globalClusterIdentifier",
        `globalClusterIdentifier '${a.globalClusterIdentifier}' ${problem} (e.g. shop-global).`,
      );
    }
  }
  const clusterProblem = rdsIdentifierProblem(a.clusterIdentifier);
  if (clusterProblem) {
    add(
      "identity",
      `the cluster identifier '${a.clusterIdentifier}' derived from identity.app and identity.cell ${clusterProblem}; shorten or rename dr:app / dr:cell.`,
    );
  }
  const engine = a.engine as AuroraEngine;
  const settings = ENGINE_SETTINGS[engine];
  if (!settings) {
    add(
      "engine",
      `engine must be "aurora-postgresql" or "aurora-mysql", got ${JSON.stringify(a.engine)}.`,
    );
  }
  if (typeof a.engineVersion !== "string" || a.engineVersion.length === 0) {
    add(
      "engineVersion",
      "engineVersion is required: the same version in every region (e.g. 16.6).",
    );
  } else if (settings && !settings.versionPattern.test(a.engineVersion)) {
    add(
      "engineVersion",
      `engineVersion '${a.engineVersion}' is not a ${engine} version; write it like '${settings.exampleVersion}'.`,
    );
  }
  if (typeof a.instanceClass === "string" && !/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(a.instanceClass)) {
    add(
      "instanceClass",
      `instanceClass '${a.instanceClass}' is not an RDS instance class (e.g. db.r7g.large).`,
    );
  }
  if (!(
    Number.isInteger(a.instances) &&
    (a.instances as number) >= 1 &&
    (a.instances as number) <= 16
  )) {
    add(
      "instances",
      `instances must be a whole number from 1 to 16 (a writer and up to 15 readers), got ${JSON.stringify(a.instances)}; use 2 or more so a reader can take over inside the region.`,
    );
  }
  if (typeof a.databaseName === "string" && !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(a.databaseName)) {
    add(
      "databaseName",
      `databaseName '${a.databaseName}' must start with a letter and hold only letters, digits and underscores (at most 63).`,
    );
  }
  if (typeof a.masterUsername === "string") {
    const max = settings?.maxUsernameLength ?? 16;
    if (!new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${max - 1}}$`).test(a.masterUsername)) {
      add(
        "masterUsername",
        `masterUsername '${a.masterUsername}' must start with a letter and hold only letters, digits and underscores (at most ${max} for ${engine}).`,
      );
    } else if (
      ["rdsadmin", "rdsrepladmin", "rdsproxyadmin"].includes(a.masterUsername.toLowerCase())
    ) {
      add(
        "masterUsername",
        `masterUsername '${a.masterUsername}' is reserved by RDS; pick another (e.g. dbadmin).`,
      );
    }
  }
  const days = a.backupRetentionDays;
  if (!(Number.isInteger(days) && (days as number) >= 1 && (days as number) <= 35)) {
    add(
      "backupRetentionDays",
      `backupRetentionDays must be a whole number of days from 1 to 35, got ${JSON.stringify(days)}.`,
    );
  }
  issues.push(...windowIssues(a.preferredBackupWindow, a.preferredMaintenanceWindow));
  if (a.role === "home" && !a.hasReplicaRegions) {
    add(
      "replicaRegions",
      "replicaRegions is required for the home cell: the peer regions the master secret is replicated to (their RDS Proxies read it there).",
    );
  }
  if (a.role === "home" && a.hasMasterSecretArn) {
    add(
      "masterSecretArn",
      'masterSecretArn must be left out for the home cell: it creates the master secret. Pass it only when role is "joiner".',
    );
  }
  if (a.role === "joiner" && !a.hasMasterSecretArn) {
    add(
      "masterSecretArn",
      "masterSecretArn is required for a joiner cell: the ARN of the home cell's replicated master secret in this region (replicaSecretArn(homeSecretArn, region)).",
    );
  }
  if (
    a.role === "joiner" &&
    typeof a.masterSecretArn === "string" &&
    !new RegExp(`^arn:aws[\\w-]*:secretsmanager:${a.region}:\\d{12}:secret:.+$`).test(
      a.masterSecretArn,
    )
  ) {
    add(
      "masterSecretArn",
      `masterSecretArn '${a.masterSecretArn}' is not a secret ARN in ${a.region}; pass the replica's ARN in this region (replicaSecretArn(homeSecretArn, "${a.region}")).`,
    );
  }
  return issues;
}
