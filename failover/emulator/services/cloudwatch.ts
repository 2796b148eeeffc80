import { GATE_ALARM } from "../../../components/traffic/switch";
import { AlarmState } from "../../adapters/types";
import { JsonObject, jsonCodec } from "../protocols/json";
import { CallContext, defineService, WireFault } from "../wire";

/**
 * CloudWatch: the writer gates (PutMetricData, then the gate alarm's state), the replication
 * lag metrics the runbooks read (GetMetricData) and the gate alarms (DescribeAlarms), all from
 * the simulator's traffic model. awsJson1_0 and awsQuery-compatible, as the SDK speaks it.
 */
export const cloudwatch = defineService<JsonObject, JsonObject>({
  name: "monitoring",
  codec: jsonCodec({
    targetPrefix: "GraniteServiceVersion20100801",
    errorNamespace: "com.amazonaws.cloudwatch",
    queryCompatible: true,
  }),
  throttle: { code: "Throttling", status: 400 },
  errors: {
    ResourceNotFound: { status: 404 },
    InvalidParameterValue: { status: 400 },
    InternalServiceError: { status: 500 },
  },
  operations: {
    async GetMetricData(input, ctx) {
      const start = seconds(input.StartTime, "StartTime") * 1000;
      const end = seconds(input.EndTime, "EndTime") * 1000;
      const queries = Array.isArray(input.MetricDataQueries) ? input.MetricDataQueries : [];
      if (queries.length === 0) {
        throw invalid("The parameter MetricDataQueries is required.");
      }
      const results = [];
      for (const q of queries as JsonObject[]) {
        const stat = q.MetricStat as JsonObject | undefined;
        if (!stat) {
          throw invalid(
            "the emulator answers MetricStat queries only, not metric math Expressions",
          );
        }
        const metric = (stat.Metric ?? {}) as JsonObject;
        const period = Number(stat.Period ?? 60);
        const sample = await ctx.adapters.cloudwatch.latestMetric(ctx.region, {
          namespace: String(metric.Namespace ?? ""),
          metricName: String(metric.MetricName ?? ""),
          dimensions: dimensions(metric.Dimensions),
          stat: String(stat.Stat ?? "Maximum") as "Maximum",
          periodSeconds: period,
          lookbackSeconds: (end - start) / 1000,
          endTimeMs: end,
        });
        // CloudWatch reports a datapoint at the start of its period, inside the window only.
        const at = sample ? Math.floor(sample.timestampMs / (period * 1000)) * period * 1000 : NaN;
        const inWindow = sample !== undefined && at >= start && at < end;
        results.push({
          Id: q.Id,
          Label: q.Label ?? metric.MetricName,
          Timestamps: inWindow ? [at / 1000] : [],
          Values: inWindow ? [sample.value] : [],
          StatusCode: "Complete",
        });
      }
      return { MetricDataResults: results, Messages: [] };
    },
    async PutMetricData(input, ctx) {
      const namespace = String(input.Namespace ?? "");
      const data = Array.isArray(input.MetricData) ? (input.MetricData as JsonObject[]) : [];
      if (!namespace || data.length === 0) {
        throw new WireFault("MissingParameter", "Namespace and MetricData are required", 400);
      }
      for (const d of data) {
        const values = Array.isArray(d.Values) ? (d.Values as number[]) : [];
        const value = typeof d.Value === "number" ? d.Value : values[values.length - 1];
        if (typeof value !== "number") throw invalid("a MetricDatum needs Value or Values");
        await ctx.adapters.cloudwatch.putMetric(ctx.region, {
          namespace,
          metricName: String(d.MetricName ?? ""),
          dimensions: dimensions(d.Dimensions),
          value,
        });
      }
      return {};
    },
    async DescribeAlarms(input, ctx) {
      const gates = gatesIn(ctx);
      const asked = Array.isArray(input.AlarmNames) ? (input.AlarmNames as string[]) : undefined;
      const prefix = typeof input.AlarmNamePrefix === "string" ? input.AlarmNamePrefix : "";
      const names = (asked ?? gates.map((g) => g.alarmName)).filter((n) => n.startsWith(prefix));
      const states = await ctx.adapters.cloudwatch.alarmStates(ctx.region, names);
      const types = Array.isArray(input.AlarmTypes)
        ? (input.AlarmTypes as string[])
        : ["MetricAlarm"];
      const wanted = (s: AlarmState) =>
        s !== "MISSING" && (input.StateValue === undefined || input.StateValue === s);
      const metricAlarms = types.includes("MetricAlarm")
        ? names.flatMap((name) => {
            const gate = gates.find((g) => g.alarmName === name);
            const state = states[name];
            if (!gate || !wanted(state)) return [];
            return [
              {
                AlarmName: name,
                AlarmArn: `arn:aws:cloudwatch:${ctx.region}:${ctx.account}:alarm:${name}`,
                AlarmDescription: `Writer gate of cell ${gate.cell}: ALARM keeps writer traffic off it`,
                ActionsEnabled: true,
                StateValue: state,
                StateReason: `emulator: gate ${state === "OK" ? "open" : "closed"}`,
                StateUpdatedTimestamp: ctx.nowMs / 1000,
                Namespace: gate.namespace,
                MetricName: gate.metricName,
                Dimensions: Object.entries(gate.dimensions).map(([Name, Value]) => ({
                  Name,
                  Value,
                })),
                Statistic: GATE_ALARM.statistic,
                Period: GATE_ALARM.periodSeconds,
                EvaluationPeriods: GATE_ALARM.evaluationPeriods,
                DatapointsToAlarm: GATE_ALARM.datapointsToAlarm,
                Threshold: GATE_ALARM.threshold,
                ComparisonOperator: GATE_ALARM.comparisonOperator,
                TreatMissingData: GATE_ALARM.treatMissingData,
              },
            ];
          })
        : [];
      return { MetricAlarms: metricAlarms, CompositeAlarms: [] };
    },
  },
});

function invalid(message: string): WireFault {
  return new WireFault("InvalidParameterValue", message, 400);
}

function seconds(v: unknown, name: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) / 1000 : NaN;
  if (!Number.isFinite(n)) throw new WireFault("MissingParameter", `${name} is required`, 400);
  return n;
}

function dimensions(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of Array.isArray(v) ? (v as JsonObject[]) : [])
    out[String(d.Name)] = String(d.Value);
  return out;
}

/** The writer-gate alarms that live in the request's region, from the manifests. */
function gatesIn(ctx: CallContext) {
  return ctx.manifests.flatMap((m) => {
    const sw = m.traffic.switch;
    if (sw.type !== "cloudwatch-gate") return [];
    return sw.gates
      .filter((g) => g.region === ctx.region)
      .map((g) => ({
        cell: m.cell,
        alarmName: g.alarmName,
        namespace: sw.namespace,
        metricName: sw.metricName,
        dimensions: sw.dimensions,
      }));
  });
}
