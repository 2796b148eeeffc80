import { strict as assert } from "assert";
import { rtoBudget, SWITCH_PROPAGATION_MARGIN_SECONDS, writerSwitchSeconds } from "./rto";

describe("budget/rto", () => {
  const base = {
    healthCheckIntervalSeconds: 10,
    healthCheckFailureThreshold: 3,
    dnsTtlSeconds: 30,
    promotionSeconds: 120,
  };

  it("counts the two-step writer switch: two gate alarm periods and the Route 53 margin", () => {
    assert.equal(
      writerSwitchSeconds("cloudwatch-gate"),
      2 * 70 + SWITCH_PROPAGATION_MARGIN_SECONDS,
    );
    assert.equal(
      writerSwitchSeconds("arc-routing-control"),
      2 * 5 + SWITCH_PROPAGATION_MARGIN_SECONDS,
    );
    assert.equal(writerSwitchSeconds(undefined), writerSwitchSeconds("cloudwatch-gate"));
  });

  it("adds detection and the TTL to the slower of the promotion and the writer switch", () => {
    const gates = rtoBudget(base);
    assert.deepEqual(gates, {
      detectionSeconds: 30,
      dnsTtlSeconds: 30,
      promotionSeconds: 120,
      writerSwitchSeconds: 155,
      totalSeconds: 30 + 155 + 30,
    });
    // With ARC the switch is quick, so the promotion decides.
    assert.equal(rtoBudget({ ...base, trafficSwitch: "arc-routing-control" }).totalSeconds, 180);
    // A slow promotion decides either way.
    assert.equal(rtoBudget({ ...base, promotionSeconds: 600 }).totalSeconds, 660);
  });
});
