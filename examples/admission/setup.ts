/**
 * Wiring the write-admission library into a service (docs/admission.md). Dependency-free: the
 * database is any client with a `query` method (node-postgres has this shape).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Heartbeat, WriteAdmission } from "../../admission";

/** The slice of a PostgreSQL client the writability check needs (node-postgres's `Pool`). */
export interface SqlClient {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export interface AdmissionSettings {
  /** This instance's region, e.g. process.env.AWS_REGION. */
  region: string;
  /** The DR manifest's homeRegion. */
  homeRegion: string;
  /** The other regions of the application (the DR manifest's peers). */
  peers: string[];
  /** The DR manifest's stores.controlTable.tableName. */
  controlTable: string;
}

/** One WriteAdmission and one Heartbeat per process; stop the heartbeat on shutdown. */
export function startAdmission(
  settings: AdmissionSettings,
  db: SqlClient,
): { admission: WriteAdmission; heartbeat: Heartbeat } {
  // The client must be for this region: admission reads this region's own replica.
  const dynamodb = new DynamoDBClient({ region: settings.region });
  const admission = new WriteAdmission({
    region: settings.region,
    homeRegion: settings.homeRegion,
    peers: settings.peers,
    tableName: settings.controlTable,
    dynamodb,
    // Aurora PostgreSQL: a secondary (or a primary being switched over) is in recovery.
    databaseWritable: async () => {
      const { rows } = await db.query("SELECT NOT pg_is_in_recovery() AS writable");
      return rows[0]?.writable === true;
    },
  });
  const heartbeat = new Heartbeat({
    region: settings.region,
    tableName: settings.controlTable,
    dynamodb,
    onError: (e) => console.warn(`heartbeat failed: ${(e as Error).message}`),
  }).start();
  return { admission, heartbeat };
}
