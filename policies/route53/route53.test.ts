import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { route53PrimaryFailoverHealthCheck } from "./primaryFailoverHealthCheck";
import { route53LatencyRecordHealthCheck } from "./latencyRecordHealthCheck";
import { route53HealthCheckedTtl } from "./healthCheckedTtl";
import { route53HealthCheckDetection } from "./healthCheckDetection";
import { strict as assert } from "assert";

describe("policies/route53", () => {
  const writer = () => compliant(T.record, "shop-writerRecord");
  const latency = () => compliant(T.record, "shop-latencyRecord");
  const regional = () => compliant(T.record, "shop-regionalRecord");
  const https = () => compliant(T.healthCheck, "shop-httpsHealthCheck");

  it("route53-primary-failover-health-check", () => {
    passes(route53PrimaryFailoverHealthCheck, writer());
    passes(route53PrimaryFailoverHealthCheck, latency());
    fails(
      route53PrimaryFailoverHealthCheck,
      changed(writer(), "healthCheckId", undefined),
      /this PRIMARY failover record has no healthCheckId/,
    );
    // A SECONDARY without a check is Route 53's documented last resort, not a violation here.
    passes(
      route53PrimaryFailoverHealthCheck,
      changed(changed(writer(), "healthCheckId", undefined), "failoverRoutingPolicies", [
        { type: "SECONDARY" },
      ]),
    );
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

  it("route53-health-checked-ttl: at most 60 s, configurable", () => {
    passes(route53HealthCheckedTtl, writer());
    passes(route53HealthCheckedTtl, regional()); // alias: no TTL
    fails(
      route53HealthCheckedTtl,
      changed(writer(), "ttl", 300),
      /ttl is 300 s on a health-checked record writer\.shop\.example\.com; set ttl to 60 or less/,
    );
    fails(route53HealthCheckedTtl, writer(), /set ttl to 20 or less/, { maxTtlSeconds: 20 });
    assert.throws(
      () => passes(route53HealthCheckedTtl, writer(), { maxTtlSeconds: "60" }),
      /route53-health-checked-ttl\.maxTtlSeconds: must be a whole number of seconds/,
    );
  });

  it("route53-health-check-detection: interval x threshold within 60 s", () => {
    passes(route53HealthCheckDetection, https());
    passes(route53HealthCheckDetection, compliant(T.healthCheck, "shop-writerHealthCheck")); // CALCULATED
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
