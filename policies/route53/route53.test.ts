import { strict as assert } from "assert";
import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { gateAlarmName } from "../../components/traffic/switch";
import { parseGateAlarmName } from "./gates";
import { route53NoFailoverRouting } from "./noFailoverRouting";
import { route53WeightedRecordHealthCheck } from "./weightedRecordHealthCheck";
import { route53CalculatedCheckMajority } from "./calculatedCheckMajority";
import { route53GateCheckInsufficientData } from "./gateCheckInsufficientData";
import { route53LatencyRecordHealthCheck } from "./latencyRecordHealthCheck";
import { route53HealthCheckedTtl } from "./healthCheckedTtl";
import { route53HealthCheckDetection } from "./healthCheckDetection";

describe("policies/route53", () => {
  // The fixtures are the real program's render (testing/stackRender.ts).
  const writer = () => compliant(T.record, "shop-use1-traffic-writerRecord");
  const latency = () => compliant(T.record, "shop-use1-traffic-latencyRecord");
  const regional = () => compliant(T.record, "shop-use1-traffic-regionalRecord");
  const https = () => compliant(T.healthCheck, "shop-use1-traffic-httpsHealthCheck");
  const writerCheck = () => compliant(T.healthCheck, "shop-use1-traffic-writerHealthCheck");
  const gate = () => compliant(T.healthCheck, "shop-use1-traffic-writerGateHealthCheck-euw1");
  const witnessGate = () =>
    compliant(T.healthCheck, "shop-use1-traffic-witnessGateHealthCheck-usw2");

  it("route53-no-failover-routing: the old PRIMARY/SECONDARY writer record fails", () => {
    passes(route53NoFailoverRouting, writer());
    passes(route53NoFailoverRouting, latency());
    passes(route53NoFailoverRouting, regional());
    const failover = changed(
      changed(writer(), "weightedRoutingPolicies", undefined),
      "failoverRoutingPolicies",
      [{ type: "SECONDARY" }],
    );
    fails(
      route53NoFailoverRouting,
      failover,
      /writer\.shop\.example\.com uses failover routing \(SECONDARY\); Route 53 holds one PRIMARY and one SECONDARY per name/,
    );
  });

  it("route53-weighted-record-health-check", () => {
    passes(route53WeightedRecordHealthCheck, writer());
    passes(route53WeightedRecordHealthCheck, latency()); // not weighted
    fails(
      route53WeightedRecordHealthCheck,
      changed(writer(), "healthCheckId", undefined),
      /the weighted record writer\.shop\.example\.com \(setIdentifier use1\) has no healthCheckId; attach the cell's writer check/,
    );
  });

  it("route53-calculated-check-majority: a strict majority of the children, no more than all", () => {
    const check = writerCheck();
    assert.equal((check.props.childHealthchecks as string[]).length, 3);
    assert.equal(check.props.childHealthThreshold, 2);
    passes(route53CalculatedCheckMajority, check);
    passes(route53CalculatedCheckMajority, https()); // not CALCULATED
    passes(route53CalculatedCheckMajority, changed(writerCheck(), "childHealthThreshold", 3));
    fails(
      route53CalculatedCheckMajority,
      changed(writerCheck(), "childHealthThreshold", 1),
      /childHealthThreshold is 1 of 3 children; at most half of the gate regions could then open the writer\. Set it to 2/,
    );
    fails(
      route53CalculatedCheckMajority,
      changed(writerCheck(), "childHealthThreshold", 0),
      /childHealthThreshold is 0 of 3 children/,
    );
    fails(
      route53CalculatedCheckMajority,
      changed(writerCheck(), "childHealthThreshold", 4),
      /childHealthThreshold is 4 but there are only 3 children; Route 53 then always reports the check unhealthy/,
    );
    fails(
      route53CalculatedCheckMajority,
      changed(writerCheck(), "childHealthThreshold", undefined),
      /childHealthThreshold is not set of 3 children/,
    );
    fails(
      route53CalculatedCheckMajority,
      changed(writerCheck(), "childHealthchecks", []),
      /this CALCULATED check has no childHealthchecks/,
    );
  });

  it("route53-gate-check-insufficient-data: a gate without data is closed", () => {
    passes(route53GateCheckInsufficientData, gate());
    passes(route53GateCheckInsufficientData, witnessGate());
    passes(route53GateCheckInsufficientData, https());
    for (const status of ["LastKnownStatus", "Healthy", undefined]) {
      fails(
        route53GateCheckInsufficientData,
        changed(gate(), "insufficientDataHealthStatus", status),
        /the gate check on shop-writer-gate-eu-west-1 has insufficientDataHealthStatus .*; set it to "Unhealthy"/,
      );
    }
    // Another CloudWatch check (not a gate) may keep its last status.
    passes(
      route53GateCheckInsufficientData,
      changed(
        changed(gate(), "cloudwatchAlarmName", "shop-use1-5xx"),
        "insufficientDataHealthStatus",
        "LastKnownStatus",
      ),
    );
  });

  it("reads gate alarm names the way switch.ts writes them", () => {
    for (const region of ["us-east-1", "ap-southeast-1", "us-gov-west-1", "eu-central-2"]) {
      assert.deepEqual(parseGateAlarmName(gateAlarmName("shop-v2", region)), {
        app: "shop-v2",
        region,
      });
    }
    assert.equal(parseGateAlarmName("shop-writer-gate"), undefined);
  });

  it("route53-latency-record-health-check", () => {
    passes(route53LatencyRecordHealthCheck, latency());
    passes(route53LatencyRecordHealthCheck, regional());
    fails(
      route53LatencyRecordHealthCheck,
      changed(latency(), "healthCheckId", undefined),
      /this latency record has no healthCheckId/,
    );
  });

  it("route53-health-checked-ttl: at most 60 s, configurable, on weighted records too", () => {
    passes(route53HealthCheckedTtl, writer());
    passes(route53HealthCheckedTtl, regional()); // alias: no TTL
    fails(
      route53HealthCheckedTtl,
      changed(writer(), "ttl", 300),
      /ttl is 300 s on a health-checked record writer\.shop\.example\.com; set ttl to 60 or less/,
    );
    // A weighted record without a check still routes: its TTL still delays the move.
    fails(
      route53HealthCheckedTtl,
      changed(changed(writer(), "ttl", 300), "healthCheckId", undefined),
      /ttl is 300 s/,
    );
    fails(route53HealthCheckedTtl, writer(), /set ttl to 20 or less/, { maxTtlSeconds: 20 });
    assert.throws(
      () => passes(route53HealthCheckedTtl, writer(), { maxTtlSeconds: "60" }),
      /route53-health-checked-ttl\.maxTtlSeconds: must be a whole number of seconds/,
    );
  });

  it("route53-health-check-detection: interval x threshold within 60 s", () => {
    passes(route53HealthCheckDetection, https());
    passes(route53HealthCheckDetection, writerCheck()); // CALCULATED
    passes(route53HealthCheckDetection, gate()); // CLOUDWATCH_METRIC
    fails(
      route53HealthCheckDetection,
      changed(https(), "requestInterval", 30),
      /requestInterval 30 x failureThreshold 3 detects a failure in 90 s, over 60 s/,
    );
    // Left out, AWS uses 30 s x 3.
    fails(
      route53HealthCheckDetection,
      changed(https(), "requestInterval", undefined),
      /detects a failure in 90 s/,
    );
    fails(
      route53HealthCheckDetection,
      https(),
      /in 30 s, over 20 s; use requestInterval: 10 and a failureThreshold of 2 or less/,
      { maxDetectionSeconds: 20 },
    );
  });
});
