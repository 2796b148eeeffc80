import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { credentialRegionDependencies } from "../adapters/aws/profile";
import { CliFixture } from "../testing/cliHarness";

/*
 * Credentials must not come from the failed region. Role profiles are assumed in each client's
 * own region (shown at the wire in failover/wire/); IAM Identity Center profiles sign in only in
 * their SSO region, so a failover away from that region is refused before it changes anything.
 */
describe("failover credentials that depend on the failed region", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-profiles-"));
  const config = path.join(dir, "config");
  const saved = {
    config: process.env.AWS_CONFIG_FILE,
    creds: process.env.AWS_SHARED_CREDENTIALS_FILE,
  };

  before(() => {
    fs.writeFileSync(
      config,
      [
        "[profile static]",
        "aws_access_key_id = AKIDSTATIC",
        "aws_secret_access_key = secret",
        "[profile role-from-static]",
        "role_arn = arn:aws:iam::123456789012:role/dr-operator",
        "source_profile = static",
        "region = us-east-1",
        "[profile sso-use1]",
        "sso_session = corp",
        "sso_account_id = 123456789012",
        "sso_role_name = DrOperator",
        "[sso-session corp]",
        "sso_region = us-east-1",
        "sso_start_url = https://corp.awsapps.com/start",
        "[profile role-from-sso]",
        "role_arn = arn:aws:iam::123456789012:role/dr-operator",
        "source_profile = sso-legacy",
        "[profile sso-legacy]",
        "sso_region = us-east-1",
        "sso_start_url = https://corp.awsapps.com/start",
        "sso_account_id = 123456789012",
        "sso_role_name = DrOperator",
        "[profile sso-usw2]",
        "sso_session = west",
        "[sso-session west]",
        "sso_region = us-west-2",
        "",
      ].join("\n"),
    );
    process.env.AWS_CONFIG_FILE = config;
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "credentials-absent");
  });

  after(() => {
    for (const [k, v] of [
      ["AWS_CONFIG_FILE", saved.config],
      ["AWS_SHARED_CREDENTIALS_FILE", saved.creds],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finds the Identity Center region through sso-session, legacy sso_region and source_profile", async () => {
    assert.deepEqual(await credentialRegionDependencies("static"), []);
    assert.deepEqual(await credentialRegionDependencies("role-from-static"), []);
    assert.deepEqual(
      (await credentialRegionDependencies("sso-use1")).map((d) => [d.profile, d.region]),
      [["sso-use1", "us-east-1"]],
    );
    assert.deepEqual(
      (await credentialRegionDependencies("role-from-sso")).map((d) => [d.profile, d.region]),
      [["sso-legacy", "us-east-1"]],
    );
    assert.deepEqual(await credentialRegionDependencies("no-such-profile"), []);
  });

  for (const profile of ["sso-use1", "role-from-sso"]) {
    it(`refuses a failover away from us-east-1 with --profile ${profile} (exit 2, nothing changed)`, async () => {
      const f = new CliFixture();
      try {
        f.fake.dead.add("us-east-1");
        const code = await f.run(
          "failover",
          "--to",
          "eu-west-1",
          "--allow-data-loss",
          "--yes",
          "--profile",
          profile,
        );
        assert.equal(code, 2, f.stderr);
        assert.match(
          f.stderr,
          /IAM Identity Center .*in us-east-1, the region being failed away from/,
        );
        assert.match(f.stderr, /fix: use credentials that do not depend on us-east-1/);
        assert.deepEqual(f.mutatingCalls(), []);
        assert.ok(f.fake.calls.every((c) => c.region !== "us-east-1"));
      } finally {
        f.cleanup();
      }
    });
  }

  it("lets a profile whose Identity Center lives in another region fail over", async () => {
    const f = new CliFixture();
    try {
      f.fake.dead.add("us-east-1");
      const code = await f.run(
        "failover",
        "--to",
        "eu-west-1",
        "--allow-data-loss",
        "--yes",
        "--profile",
        "sso-usw2",
      );
      assert.equal(code, 0, f.stderr);
      assert.equal(f.fake.auroraWriter, "eu-west-1");
    } finally {
      f.cleanup();
    }
  });
});
