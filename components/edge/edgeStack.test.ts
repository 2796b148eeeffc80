import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { main } from "../../plan/cli";
import { regionFindings } from "../../plan/regions";
import { PROJECT_DIR, readStackFile, renderStack, StackRender } from "../../plan/stack";
import { steadyStateOnce } from "../../testing";
import { CLOUDFRONT_HOSTED_ZONE_ID, ORIGIN_ID } from "./settings";

const DIST = "aws:cloudfront/distribution:Distribution";
const under = (r: StackRender, component: string) =>
  r.resources.filter((x) => x.parent === component);

/** Runs `npm run plan` in-process; returns its exit code and stderr. */
async function plan(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** A copy of the project's stack files with the home stack's dr:edge replaced. */
function projectWithEdge(edge: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-"));
  for (const f of fs.readdirSync(PROJECT_DIR).filter((n) => /^Pulumi\..*yaml$/.test(n))) {
    fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  }
  const file = path.join(dir, "Pulumi.prod-use1.yaml");
  const doc = parse(fs.readFileSync(file, "utf8"));
  doc.config["dr:edge"] = edge;
  fs.writeFileSync(file, stringify(doc));
  return dir;
}

describe("the edge in the shipped stacks", function () {
  this.timeout(240_000);
  let use1: StackRender;
  let euw1: StackRender;

  before(async () => {
    const renders = await steadyStateOnce();
    use1 = renders.get("prod-use1")!;
    euw1 = renders.get("prod-euw1")!;
  });

  it("the home stack builds the edge on its own service and writer names, and publishes it", () => {
    const edge = use1.resources.filter((r) => r.type === "dr:edge:Edge");
    assert.deepEqual(
      edge.map((r) => [r.name, r.parent]),
      [["shop-use1-edge", "shop-use1"]],
    );
    const children = under(use1, "shop-use1-edge");
    assert.deepEqual(children.map((r) => r.type).sort(), [
      "aws:acm/certificate:Certificate",
      "aws:acm/certificateValidation:CertificateValidation",
      DIST,
      "aws:route53/record:Record",
      "aws:route53/record:Record",
      "aws:route53/record:Record",
      "aws:wafv2/webAcl:WebAcl",
    ]);
    const d = children.find((r) => r.type === DIST)!;
    const origins = d.inputs.origins as { originId: string; domainName: string }[];
    // The names the cells' own Route 53 records answer: the edge follows them, not a region.
    const latency = use1.manifest.traffic.latencyRecord.name;
    const writer = use1.manifest.traffic.writerRecord!.name;
    assert.deepEqual(
      origins.map((o) => [o.originId, o.domainName]),
      [
        [ORIGIN_ID.service, latency],
        [ORIGIN_ID.writer, writer],
      ],
    );
    assert.equal(
      d.inputs.webAclId,
      children.find((r) => r.type === "aws:wafv2/webAcl:WebAcl")!.state.arn,
    );
    const records = children.filter((r) => /alias/.test(r.name));
    for (const rec of records) {
      assert.equal(rec.inputs.zoneId, use1.config.dns.hostedZoneId);
      assert.equal(
        (rec.inputs.aliases as { zoneId: string }[])[0].zoneId,
        CLOUDFRONT_HOSTED_ZONE_ID,
      );
    }
    assert.deepEqual(use1.manifest.edge, {
      name: "www.shop.example.com",
      distributionId: d.state.id,
      distributionArn: d.state.arn,
      distributionDomainName: d.state.domainName,
      webAclArn: d.inputs.webAclId,
      certificateArn: (d.inputs.viewerCertificate as { acmCertificateArn: string })
        .acmCertificateArn,
      primaryOrigin: latency,
      secondaryOrigin: writer,
      shieldAdvanced: false,
    });
    // The home cell is in us-east-1: nothing of the edge is outside its region.
    assert.deepEqual(
      regionFindings(children, use1.config).map((f) => f.resource),
      [],
    );
  });

  it("a joiner renders no edge and publishes edge: null", () => {
    for (const t of [
      DIST,
      "aws:wafv2/webAcl:WebAcl",
      "dr:edge:Edge",
      "aws:shield/protection:Protection",
    ]) {
      assert.equal(euw1.resources.filter((r) => r.type === t).length, 0, t);
    }
    assert.equal(euw1.manifest.edge, null);
  });

  it("a home stack outside us-east-1 puts the WAF and certificate in us-east-1, each under its listed exception", async () => {
    const raw = readStackFile(PROJECT_DIR, "prod-euw1");
    raw["dr:homeRegion"] = "eu-west-1";
    const r = await renderStack("prod-euw1", { config: raw });
    assert.equal(r.config.role, "home");
    const findings = regionFindings(r.resources, r.config);
    const edge = findings.filter((f) => f.resource.startsWith("shop-euw1-edge-"));
    assert.deepEqual(edge.map((f) => [f.resource, f.region, f.exception]).sort(), [
      ["shop-euw1-edge-certificate", "us-east-1", "edge-certificate-in-us-east-1"],
      [
        "shop-euw1-edge-certificateValidation",
        "us-east-1",
        "edge-certificate-validation-in-us-east-1",
      ],
      ["shop-euw1-edge-webAcl", "us-east-1", "edge-web-acl-in-us-east-1"],
    ]);
    // No explicit provider: the per-resource region keeps the stack's own credentials.
    for (const x of under(r, "shop-euw1-edge")) assert.equal(x.provider, undefined, x.name);
  });

  it("dr:edge.enabled: false builds no edge in the home stack", async () => {
    const raw = readStackFile(PROJECT_DIR, "prod-use1");
    raw["dr:edge"] = JSON.stringify({ enabled: false });
    const r = await renderStack("prod-use1", { config: raw });
    assert.equal(r.resources.filter((x) => x.type === "dr:edge:Edge").length, 0);
    assert.equal(r.manifest.edge, null);
  });

  it("a bad dr:edge value exits 2 with the key and the fix, before anything renders", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: "api" }, /dr:edge\.name: 'api' is also dr:dns\.serviceName; .*Pick another/],
      [
        { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" },
        /dr:edge\.certificateArn: must be an ACM certificate ARN in us-east-1/,
      ],
      [{ writePathPatterns: ["/*"] }, /dr:edge\.writePathPatterns\[0\]: must not match every path/],
      [{ rateLimitPer5Minutes: 5 }, /dr:edge\.rateLimitPer5Minutes: must be at least 10/],
      [{ shieldAdvance: true }, /dr:edge.*shieldAdvance/],
    ];
    for (const [edge, pattern] of cases) {
      const { code, stderr } = await plan([
        "--stack",
        "prod-use1",
        "--project",
        projectWithEdge(edge),
      ]);
      assert.equal(code, 2, `${JSON.stringify(edge)}: ${stderr}`);
      assert.match(stderr, pattern);
    }
  });
});
