import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { AlarmState, CloudWatchAdapter } from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

export function awsCloudWatch(settings: ClientSettings = {}): CloudWatchAdapter {
  const client = perRegion((region) => new CloudWatchClient(clientConfig(region, settings)));
  return {
    async latestMetric(region, q) {
      const out = await call(settings, "CloudWatch", "GetMetricData", region, (o) =>
        client(region).send(
          new GetMetricDataCommand({
            MetricDataQueries: [
              {
                Id: "m",
                MetricStat: {
                  Metric: {
                    Namespace: q.namespace,
                    MetricName: q.metricName,
                    Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({
                      Name,
                      Value,
                    })),
                  },
                  Period: q.periodSeconds,
                  Stat: q.stat,
                },
                ReturnData: true,
              },
            ],
            StartTime: new Date(q.endTimeMs - q.lookbackSeconds * 1000),
            EndTime: new Date(q.endTimeMs),
            ScanBy: "TimestampDescending",
          }),
          o,
        ),
      );
      const r = out.MetricDataResults?.[0];
      const ts = r?.Timestamps ?? [];
      const values = r?.Values ?? [];
      let best: { value: number; timestampMs: number } | undefined;
      ts.forEach((t, i) => {
        const ms = new Date(t).getTime();
        if (values[i] !== undefined && (!best || ms > best.timestampMs)) {
          best = { value: values[i], timestampMs: ms };
        }
      });
      return best;
    },
    async putMetric(region, d) {
      await call(settings, "CloudWatch", "PutMetricData", region, (o) =>
        client(region).send(
          new PutMetricDataCommand({
            Namespace: d.namespace,
            MetricData: [
              {
                MetricName: d.metricName,
                Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
                Value: d.value,
                Unit: "None",
              },
            ],
          }),
          o,
        ),
      );
    },
    async alarmStates(region, alarmNames) {
      const out = await call(settings, "CloudWatch", "DescribeAlarms", region, (o) =>
        client(region).send(
          new DescribeAlarmsCommand({
            AlarmNames: alarmNames,
            AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
          }),
          o,
        ),
      );
      const states: Record<string, AlarmState> = {};
      for (const name of alarmNames) states[name] = "MISSING";
      for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        if (a.AlarmName) states[a.AlarmName] = (a.StateValue as AlarmState) ?? "MISSING";
      }
      return states;
    },
  };
}
