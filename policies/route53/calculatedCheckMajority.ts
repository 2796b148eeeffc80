import { resourcePolicy } from "../lib/policy";
import { list, num, shown } from "../lib/props";
import { T } from "../lib/types";

export const route53CalculatedCheckMajority = resourcePolicy({
  name: "route53-calculated-check-majority",
  description:
    "A CALCULATED health check has children and a childHealthThreshold that is a strict majority of them and no more than their number. Route 53 treats a threshold above the number of children as always unhealthy and 0 as always healthy; at half or less, a minority of gate regions can open the writer.",
  enforcementLevel: "mandatory",
  types: [T.healthCheck],
  validate: ({ props }, _config, report) => {
    if (props.type !== "CALCULATED") return;
    const children = list(props.childHealthchecks).length;
    const threshold = num(props.childHealthThreshold);
    if (children === 0) {
      report(
        "this CALCULATED check has no childHealthchecks; list the cell's gate checks, one per gate region.",
      );
      return;
    }
    const majority = Math.floor(children / 2) + 1;
    if (threshold === undefined || threshold < majority) {
      report(
        `childHealthThreshold is ${shown(props.childHealthThreshold)} of ${children} children; at most half of the gate regions could then open the writer. Set it to ${majority} (a majority).`,
      );
    } else if (threshold > children) {
      report(
        `childHealthThreshold is ${threshold} but there are only ${children} children; Route 53 then always reports the check unhealthy and the writer never opens. Set it to ${majority} (a majority).`,
      );
    }
  },
});
