import { strict as assert } from "assert";
import * as path from "path";
import { InputValidationError } from "../validation/issues";
import { loadDrConfig, readStackConfig } from "./index";
import { parseCidr, cidrsOverlap } from "./cidr";
import { regionCode } from "./regions";

const projectDir = path.resolve(__dirname, "..");
const home = () => readStackConfig(projectDir, "prod-use1");

/** The home stack's YAML with one key changed; objects are merged one level deep. */
function withKey(key: string, value: unknown, base = home()): Record<string, string> {
  const raw = { ...base };
  if (value === undefined) {
    delete raw[key];
  } else if (key.includes(".")) {
    const [top, ...rest] = key.split(".");
    const obj = JSON.parse(raw[top] ?? "{}");
    let cursor = obj;
    rest.slice(0, -1).forEach((k) => (cursor = cursor[k]));
    if (value === null) delete cursor[rest[rest.length - 1]];
    else cursor[rest[rest.length - 1]] = value;
    raw[top] = JSON.stringify(obj);
  } else {
    raw[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}

function issuesOf(raw: Record<string, string>, stack = "prod-use1") {
  try {
    loadDrConfig(stack, raw);
  } catch (e) {
    assert.ok(e instanceof InputValidationError, `expected InputValidationError, got ${e}`);
    return e.issues;
  }
  assert.fail("config was accepted");
}

function assertRejects(raw: Record<string, string>, key: string, message: RegExp) {
  const issues = issuesOf(raw);
  const hit = issues.find((i) => i.key === key);
  assert.ok(hit, `no issue for ${key}; got ${JSON.stringify(issues)}`);
  assert.match(hit.message, message);
}

describe("config: the shipped stacks", () => {
  it("prod-use1 is the home cell in us-east-1 with tier0 targets and defaults applied", () => {
    const c = loadDrConfig("prod-use1", home());
    assert.equal(c.region, "us-east-1");
    assert.equal(c.role, "home");
    assert.equal(c.cell, "use1");
    assert.deepEqual(c.targets, { rtoSeconds: 300, rpoSeconds: 5 });
    assert.equal(c.queue.maxReceiveCount, 5);
    assert.equal(c.trafficSwitch.type, "cloudwatch-gate");
    assert.deepEqual(c.budget, {
      detectionSeconds: 30,
      dnsTtlSeconds: 30,
      promotionSeconds: 120,
      writerSwitchSeconds: 155,
      totalSeconds: 215,
    });
  });

  it("prod-euw1 is a joiner in eu-west-1 whose peer is the home", () => {
    const c = loadDrConfig("prod-euw1", readStackConfig(projectDir, "prod-euw1"));
    assert.equal(c.role, "joiner");
    assert.equal(c.cell, "euw1");
    assert.deepEqual(
      c.peers.map((p) => p.region),
      ["us-east-1"],
    );
  });

  it("an unknown stack names the known ones", () => {
    assert.throws(
      () => readStackConfig(projectDir, "prod-apse2"),
      /Known stacks: prod-euw1, prod-use1/,
    );
  });
});

describe("config: every bad value names its key and the fix", () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ["aws:region", "us-east-9", "aws:region", /not an AWS region; use one of us-east-1/],
    ["aws:region", undefined, "aws:region", /must be an AWS region code/],
    ["dr:app", "Shop!", "dr:app", /lowercase letter/],
    ["dr:homeRegion", "mars-1", "dr:homeRegion", /not an AWS region/],
    ["dr:tier", "platinum", "dr:tier", /one of tier0, tier1, tier2/],
    ["dr:targets", { rtoSeconds: 5 }, "dr:targets.rtoSeconds", /at least 30/],
    ["dr:peers", [], "dr:peers", /at least one peer cell/],
    ["dr:peers", "prod-euw1", "dr:peers", /list of \{stack, region, cidr\}/],
    ["dr:network.cidr", "10.0.0.0/8", "dr:network.cidr", /\/16 to \/20 block/],
    ["dr:network.cidr", "10.10.1.0/16", "dr:network.cidr", /on its own boundary/],
    ["dr:network.azCount", 2, "dr:network.azCount", /at least 3/],
    ["dr:dns.ttlSeconds", 300, "dr:dns.ttlSeconds", /at most 60 .*slows failover/],
    ["dr:dns.healthCheckFailureThreshold", 0, "dr:dns.healthCheckFailureThreshold", /at least 1/],
    ["dr:dns.healthCheckFailureThreshold", 11, "dr:dns.healthCheckFailureThreshold", /at most 10/],
    ["dr:dns.healthCheckIntervalSeconds", 15, "dr:dns.healthCheckIntervalSeconds", /10 or 30/],
    ["dr:dns.hostedZoneId", "zone-1", "dr:dns.hostedZoneId", /hosted zone id/],
    ["dr:dns.certificateArn", "arn:aws:iam::1:x", "dr:dns.certificateArn", /ACM certificate ARN/],
    ["dr:dns.healthCheckPath", "healthz", "dr:dns.healthCheckPath", /starting with '\/'/],
    ["dr:aurora.engine", "mysql", "dr:aurora.engine", /aurora-postgresql or aurora-mysql/],
    ["dr:aurora.engineVersion", null, "dr:aurora.engineVersion", /exact engine version/],
    ["dr:aurora.backupRetentionDays", 40, "dr:aurora.backupRetentionDays", /at most 35/],
    ["dr:aurora.instances", 0, "dr:aurora.instances", /at least 1/],
    ["dr:dynamodb.tables", [], "dr:dynamodb.tables", /at least one table/],
    [
      "dr:dynamodb.tables",
      [{ name: "ab", partitionKey: "pk" }],
      "dr:dynamodb.tables[0].name",
      /3-200/,
    ],
    ["dr:msk.kafkaVersion", "latest", "dr:msk.kafkaVersion", /Kafka version such as 3.8.x/],
    ["dr:msk.topics", [], "dr:msk.topics", /at least one topic/],
    ["dr:cache.engine", "memcached", "dr:cache.engine", /valkey or redis/],
    [
      "dr:trafficSwitch",
      { type: "dns-flip" },
      "dr:trafficSwitch.type",
      /cloudwatch-gate.*arc-routing-control/,
    ],
    [
      "dr:trafficSwitch",
      { type: "arc-routing-control", clusterArn: "x", routingControlArn: "y" },
      "dr:trafficSwitch.clusterArn",
      /ARC cluster ARN/,
    ],
    ["dr:eks.version", "1.9", "dr:eks.version", /EKS Kubernetes version/],
    ["dr:colour", "blue", "dr:colour", /not a known setting/],
    ["dr:dns.ttl", 30, "dr:dns.ttl", /not a known setting/],
  ];
  for (const [key, value, reported, message] of cases) {
    it(`${key} = ${JSON.stringify(value)}`, () =>
      assertRejects(withKey(key, value), reported, message));
  }

  it("a dotted key at the top level (as docs/configuration.md spells it) explains the nesting", () => {
    const raw = { ...home(), "dr:dns.ttlSeconds": "20" };
    assertRejects(
      raw,
      "dr:dns.ttlSeconds",
      /path inside dr:dns.*nest it under 'dr:dns:'.*pulumi config set --path 'dr:dns.ttlSeconds' 20/,
    );
  });

  it("a misspelt key gets 'did you mean'", () => {
    assertRejects({ ...home(), "dr:tire": "tier1" }, "dr:tire", /did you mean dr:tier\?/);
    // Nothing near: no guess.
    assertRejects(
      { ...home(), "dr:colour": "blue" },
      "dr:colour",
      /^is not a known setting; remove it/,
    );
  });

  it("a home region that is no stack's region", () => {
    assertRejects(
      withKey("dr:homeRegion", "us-west-2"),
      "dr:homeRegion",
      /no stack's region .*us-east-1.*eu-west-1/,
    );
  });

  it("a peer CIDR that overlaps this cell's", () => {
    const peers = [{ stack: "prod-euw1", region: "eu-west-1", cidr: "10.10.128.0/17" }];
    assertRejects(
      withKey("dr:peers", peers),
      "dr:peers[0].cidr",
      /overlaps this cell's dr:network.cidr 10.10.0.0\/16/,
    );
  });

  it("two peers whose CIDRs overlap each other", () => {
    const peers = [
      { stack: "prod-euw1", region: "eu-west-1", cidr: "10.20.0.0/16" },
      { stack: "prod-apse2", region: "ap-southeast-2", cidr: "10.20.0.0/17" },
    ];
    assertRejects(withKey("dr:peers", peers), "dr:peers[1].cidr", /overlaps dr:peers\[0\].cidr/);
  });

  it("a peer in this stack's own region, or a region listed twice", () => {
    const own = [{ stack: "prod-euw1", region: "us-east-1", cidr: "10.20.0.0/16" }];
    assertRejects(withKey("dr:peers", own), "dr:peers[0].region", /this stack's own region/);
    const twice = [
      { stack: "prod-euw1", region: "eu-west-1", cidr: "10.20.0.0/16" },
      { stack: "prod-euw1b", region: "eu-west-1", cidr: "10.30.0.0/16" },
    ];
    assertRejects(withKey("dr:peers", twice), "dr:peers[1].region", /listed twice/);
  });

  it("a peer that is this stack", () => {
    const self = [{ stack: "prod-use1", region: "eu-west-1", cidr: "10.20.0.0/16" }];
    assertRejects(withKey("dr:peers", self), "dr:peers[0].stack", /names this stack/);
  });

  describe("dr:eks API access and the cell service", () => {
    const eks = (extra: Record<string, unknown>) =>
      withKey("dr:eks", { minNodes: 2, desiredNodes: 3, maxNodes: 6, ...extra });

    it("defaults to a private-only API, no extra admins and three cell service pods", () => {
      const c = loadDrConfig("prod-use1", home());
      assert.deepEqual(c.eks.publicAccessCidrs, []);
      assert.equal(c.eks.allowApiFromAnywhere, false);
      assert.deepEqual(c.eks.adminRoleArns, []);
      assert.equal(c.eks.cellServiceReplicas, 3);
    });

    it("takes operators' egress blocks and admin roles", () => {
      const c = loadDrConfig(
        "prod-use1",
        eks({
          publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
          adminRoleArns: ["arn:aws:iam::123456789012:role/dr-oncall"],
          cellServiceReplicas: 6,
        }),
      );
      assert.deepEqual(c.eks.publicAccessCidrs, ["203.0.113.0/24", "198.51.100.7/32"]);
      assert.deepEqual(c.eks.adminRoleArns, ["arn:aws:iam::123456789012:role/dr-oncall"]);
      assert.equal(c.eks.cellServiceReplicas, 6);
    });

    it("refuses 0.0.0.0/0 unless allowApiFromAnywhere is set", () => {
      assertRejects(
        eks({ publicAccessCidrs: ["0.0.0.0/0"] }),
        "dr:eks.publicAccessCidrs[0]",
        /whole internet.*allowApiFromAnywhere: true/,
      );
      const c = loadDrConfig(
        "prod-use1",
        eks({ publicAccessCidrs: ["0.0.0.0/0"], allowApiFromAnywhere: true }),
      );
      assert.deepEqual(c.eks.publicAccessCidrs, ["0.0.0.0/0"]);
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      [
        "a malformed block",
        { publicAccessCidrs: ["203.0.113.0/24", "203.0.113.1/24"] },
        "dr:eks.publicAccessCidrs[1]",
        /not an IPv4 CIDR block on its own boundary/,
      ],
      [
        "a private block",
        { publicAccessCidrs: ["192.168.10.0/24"] },
        "dr:eks.publicAccessCidrs[0]",
        /private block: callers inside the VPC/,
      ],
      [
        "more blocks than EKS takes",
        {
          publicAccessCidrs: Array.from({ length: 41 }, (_, i) => `198.51.${i}.0/24`),
        },
        "dr:eks.publicAccessCidrs",
        /at most 40/,
      ],
      [
        "a non-boolean opt-in",
        { allowApiFromAnywhere: "yes" },
        "dr:eks.allowApiFromAnywhere",
        /true or false/,
      ],
      [
        "a user instead of a role",
        { adminRoleArns: ["arn:aws:iam::123456789012:user/alice"] },
        "dr:eks.adminRoleArns[0]",
        /IAM role ARN/,
      ],
      [
        "a single cell service pod",
        { cellServiceReplicas: 1 },
        "dr:eks.cellServiceReplicas",
        /at least 2/,
      ],
    ];
    for (const [label, extra, key, message] of cases) {
      it(label, () => assertRejects(eks(extra), key, message));
    }
  });

  it("node group sizes out of order", () => {
    assertRejects(
      withKey("dr:eks", { minNodes: 4, desiredNodes: 3, maxNodes: 6 }),
      "dr:eks",
      /minNodes <= desiredNodes <= maxNodes/,
    );
  });

  it("duplicate tables and topics, and equal service and writer names", () => {
    const t = { name: "orders", partitionKey: "pk" };
    assertRejects(
      withKey("dr:dynamodb.tables", [t, t]),
      "dr:dynamodb.tables",
      /'orders' is listed twice/,
    );
    assertRejects(withKey("dr:msk.topics", ["a", "a"]), "dr:msk.topics", /'a' is listed twice/);
    assertRejects(withKey("dr:dns.writerName", "api"), "dr:dns.writerName", /must differ/);
  });

  it("reports every problem at once, not just the first", () => {
    const raw = withKey("dr:tier", "gold", withKey("dr:dns.ttlSeconds", 120));
    const keys = issuesOf(raw).map((i) => i.key);
    assert.ok(keys.includes("dr:tier") && keys.includes("dr:dns.ttlSeconds"), keys.join(","));
  });

  it("numbers given as strings (top-level scalars) are accepted", () => {
    const c = loadDrConfig("prod-use1", withKey("dr:targets", { rtoSeconds: "600" }));
    assert.equal(c.targets.rtoSeconds, 600);
  });
});

describe("config: pure helpers", () => {
  it("region codes", () => {
    assert.equal(regionCode("us-east-1"), "use1");
    assert.equal(regionCode("eu-west-1"), "euw1");
    assert.equal(regionCode("ap-southeast-2"), "apse2");
  });

  it("CIDR overlap", () => {
    const a = parseCidr("10.10.0.0/16")!;
    assert.ok(cidrsOverlap(a, parseCidr("10.10.255.0/24")!));
    assert.ok(!cidrsOverlap(a, parseCidr("10.11.0.0/16")!));
    assert.equal(parseCidr("300.1.1.1/16"), undefined);
    assert.equal(parseCidr("10.0.0.0/33"), undefined);
  });
});
