import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseManifest, readManifestFile } from "./index";
import { InputValidationError } from "../validation/issues";
import { sampleManifest } from "./sample";

describe("manifest validator", () => {
  it("accepts a complete manifest and the `pulumi stack output --json` wrapper", () => {
    const m = sampleManifest("eu-west-1");
    assert.deepEqual(parseManifest(m), m);
    assert.deepEqual(parseManifest({ drManifest: m, other: 1 }), m);
  });

  it("names every bad field", () => {
    const m = sampleManifest() as unknown as {
      region: string;
      stores: { aurora: { clusterArn: string } };
      extra?: boolean;
    };
    m.region = "";
    m.stores.aurora.clusterArn = "not-an-arn";
    m.extra = true;
    assert.throws(
      () => parseManifest(m, "use1.json"),
      (e: unknown) => {
        assert.ok(e instanceof InputValidationError);
        const keys = e.issues.map((i) => i.key);
        assert.deepEqual(keys.sort(), ["extra", "region", "stores.aurora.clusterArn"]);
        assert.match(e.message, /use1\.json is invalid/);
        return true;
      },
    );
  });

  it("rejects a manifest of another schema version with the fix", () => {
    const m = { ...sampleManifest(), schemaVersion: 1 };
    assert.throws(() => parseManifest(m), /schemaVersion: must be 2; re-export/);
  });

  it("reads files and explains unreadable or non-JSON ones", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-"));
    const good = path.join(dir, "good.json");
    fs.writeFileSync(good, JSON.stringify({ drManifest: sampleManifest() }));
    assert.equal(readManifestFile(good).region, "us-east-1");
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, "{ nope");
    assert.throws(() => readManifestFile(bad), /is not JSON .*pulumi stack output --json/);
    assert.throws(
      () => readManifestFile(path.join(dir, "missing.json")),
      /cannot be read \(ENOENT\)/,
    );
  });
});
