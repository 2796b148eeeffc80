import { strict as assert } from "assert";
import {
  defaultMaintenanceWindow,
  ENGINE_SETTINGS,
  globalClusterArnFrom,
  parseBackupWindow,
  parseMaintenanceWindow,
  rdsIdentifierProblem,
  windowIssues,
  windowsOverlap,
} from "./settings";

describe("components/aurora settings", () => {
  it("derives the global cluster ARN from any RDS ARN of the account", () => {
    assert.equal(
      globalClusterArnFrom(
        "arn:aws:rds:eu-west-1:123456789012:cluster:shop-euw1-aurora",
        "shop-global",
      ),
      "arn:aws:rds::123456789012:global-cluster:shop-global",
    );
    assert.equal(
      globalClusterArnFrom("arn:aws-cn:rds:cn-north-1:210987654321:cluster:x", "g"),
      "arn:aws-cn:rds::210987654321:global-cluster:g",
    );
    assert.throws(() => globalClusterArnFrom("shop-euw1-aurora", "g"), /not an RDS ARN/);
  });

  it("staggers the maintenance windows of the two sides", () => {
    assert.notEqual(defaultMaintenanceWindow("home"), defaultMaintenanceWindow("joiner"));
    for (const w of [defaultMaintenanceWindow("home"), defaultMaintenanceWindow("joiner")]) {
      assert.match(
        w,
        /^(mon|tue|wed|thu|fri|sat|sun):\d\d:\d\d-(mon|tue|wed|thu|fri|sat|sun):\d\d:\d\d$/,
      );
    }
  });

  it("keeps the default maintenance windows clear of the default backup window", () => {
    const backup = parseBackupWindow("03:00-04:00")!;
    for (const role of ["home", "joiner"] as const) {
      const maintenance = parseMaintenanceWindow(defaultMaintenanceWindow(role))!;
      assert.equal(windowsOverlap(backup, maintenance), false, role);
    }
    assert.deepEqual(windowIssues("03:00-04:00", defaultMaintenanceWindow("joiner")), []);
  });

  it("finds overlapping windows, including across midnight and the week's end", () => {
    const overlaps = (b: string, m: string) =>
      windowsOverlap(parseBackupWindow(b)!, parseMaintenanceWindow(m)!);
    assert.equal(overlaps("03:00-04:00", "wed:03:30-wed:04:30"), true);
    assert.equal(overlaps("03:00-04:00", "wed:04:00-wed:05:00"), false, "touching is fine");
    assert.equal(overlaps("23:30-00:30", "mon:00:00-mon:00:45"), true, "backup past midnight");
    assert.equal(overlaps("02:00-03:00", "sat:23:00-sun:02:30"), true, "maintenance past Saturday");
    assert.equal(overlaps("02:00-03:00", "sat:23:00-sun:01:30"), false);
  });

  it("names the window and the fix when a window is malformed, short or overlapping", () => {
    assert.deepEqual(
      windowIssues("3am", undefined).map((i) => i.propertyPath),
      ["preferredBackupWindow"],
    );
    assert.match(windowIssues("03:00-03:15", undefined)[0].reason, /at least 30 minutes/);
    assert.match(windowIssues(undefined, "sunday 5am")[0].reason, /ddd:hh24:mi-ddd:hh24:mi/);
    const overlap = windowIssues("05:00-06:00", "sun:05:30-sun:06:30");
    assert.equal(overlap[0].propertyPath, "preferredMaintenanceWindow");
    assert.match(overlap[0].reason, /overlaps the daily backup window/);
  });

  it("checks RDS identifiers the way RDS does", () => {
    assert.equal(rdsIdentifierProblem("shop-global"), undefined);
    assert.match(rdsIdentifierProblem("shop--global")!, /consecutive hyphens/);
    assert.match(rdsIdentifierProblem("shop-")!, /end with a hyphen/);
    assert.match(rdsIdentifierProblem("9shop")!, /start with a letter/);
    assert.match(rdsIdentifierProblem("shop_global")!, /letters, digits and hyphens/);
    assert.match(rdsIdentifierProblem("a".repeat(64))!, /1 to 63/);
  });

  it("knows each engine's port and versions", () => {
    assert.equal(ENGINE_SETTINGS["aurora-postgresql"].port, 5432);
    assert.equal(ENGINE_SETTINGS["aurora-mysql"].port, 3306);
    assert.ok(ENGINE_SETTINGS["aurora-postgresql"].versionPattern.test("16.6"));
    assert.ok(!ENGINE_SETTINGS["aurora-postgresql"].versionPattern.test("8.0.mysql_aurora.3.08.0"));
    assert.ok(ENGINE_SETTINGS["aurora-mysql"].versionPattern.test("8.0.mysql_aurora.3.08.0"));
  });
});
