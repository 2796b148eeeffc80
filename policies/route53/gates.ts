import {
  GATE_ALARM,
  GATE_INSUFFICIENT_DATA,
  GATE_METRIC,
  GATE_NAMESPACE,
  WRITER_WEIGHT,
  gateAlarmName,
  gateQuorum,
} from "../../components/traffic/switch";
import type { Props } from "../lib/props";
import { str } from "../lib/props";

/*
 * The writer routing's contract (docs/architecture.md: writer routing; components/traffic/switch.ts), as the
 * policies check it. The values come from switch.ts, the one place the components take them
 * from; the tests pin them, so a change there shows up as a failing policy test too.
 */
export {
  GATE_ALARM,
  GATE_INSUFFICIENT_DATA,
  GATE_METRIC,
  GATE_NAMESPACE,
  WRITER_WEIGHT,
  gateAlarmName,
  gateQuorum,
};

/** An alarm on the writer gate metric. */
export function isGateAlarm(props: Props): boolean {
  return props.namespace === GATE_NAMESPACE && props.metricName === GATE_METRIC;
}

const GATE_NAME = /^(.+)-writer-gate-([a-z]{2}(?:-gov)?-[a-z]+-\d+)$/;

/** The app and cell region a gate alarm's name stands for (gateAlarmName's inverse). */
export function parseGateAlarmName(name: unknown): { app: string; region: string } | undefined {
  const m = GATE_NAME.exec(str(name) ?? "");
  return m ? { app: m[1], region: m[2] } : undefined;
}

/** A Route 53 check that follows a writer gate alarm. */
export function isGateCheck(props: Props): boolean {
  return props.type === "CLOUDWATCH_METRIC" && !!parseGateAlarmName(props.cloudwatchAlarmName);
}
