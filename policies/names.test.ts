import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { DrPolicy } from "./lib/policy";
import { DR_POLICIES } from "./pack";

/*
 * The rule that names a policy's file (docs/policies.md, "Where a policy lives"): a policy is
 * defined alone in policies/<folder>/<file>.ts, and <file> is the camelCase of the policy's
 * name less its first word when that word is the folder's word; otherwise the camelCase of the
 * whole name. A folder's word is its name, except stack/, whose policies are named `dr-...`.
 *   aurora-storage-encrypted        in aurora/ -> aurora/storageEncrypted.ts
 *   dr-writer-quorum                in stack/  -> stack/writerQuorum.ts
 *   eventbridge-target-dead-letter  in events/ -> events/eventbridgeTargetDeadLetter.ts
 * So the file is found from the name (and the name from the file) without opening either.
 */
const FOLDER_WORD: Record<string, string> = { stack: "dr" };

/** Folders under policies/ that hold no policies. */
const NOT_POLICY_FOLDERS = new Set(["lib", "testing", "node_modules"]);

function camelCase(words: string[]): string {
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("");
}

/** The file, relative to policies/, that the rule gives a policy named `name` in `folder`. */
function expectedFile(name: string, folder: string): string {
  const words = name.split("-");
  const rest =
    words[0] === (FOLDER_WORD[folder] ?? folder) && words.length > 1 ? words.slice(1) : words;
  return `${folder}/${camelCase(rest)}.ts`;
}

/** A policy and the file (relative to policies/, with "/" separators) that defines it. */
interface DefinedPolicy {
  name: string;
  file: string;
}

/** Every way `defined` breaks the rule, as messages naming the policy, its file and the fix. */
function fileNameViolations(defined: DefinedPolicy[]): string[] {
  const problems: string[] = [];
  const perFile = new Map<string, string[]>();
  for (const { name, file } of defined) {
    perFile.set(file, [...(perFile.get(file) ?? []), name]);
    const folder = file.split("/")[0];
    const want = expectedFile(name, folder);
    if (file !== want) {
      problems.push(
        `policy "${name}" is defined in policies/${file}: git mv it to policies/${want}`,
      );
    }
  }
  for (const [file, names] of perFile) {
    if (names.length > 1) {
      problems.push(
        `policies/${file} defines ${names.length} policies (${names.join(", ")}): one policy per file`,
      );
    }
  }
  return problems;
}

/** Where each policy of the pack is defined: the module under policies/<folder>/ exporting it. */
function definedPolicies(): { defined: DefinedPolicy[]; unfound: DrPolicy[] } {
  const inPack = new Set<unknown>(DR_POLICIES);
  const defined: DefinedPolicy[] = [];
  const found = new Set<unknown>();
  for (const folder of fs.readdirSync(__dirname, { withFileTypes: true })) {
    if (!folder.isDirectory() || NOT_POLICY_FOLDERS.has(folder.name)) continue;
    for (const file of fs.readdirSync(path.join(__dirname, folder.name))) {
      if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- every module, by path
      const exports = require(path.join(__dirname, folder.name, file)) as Record<string, unknown>;
      for (const value of new Set(Object.values(exports))) {
        if (!inPack.has(value)) continue;
        found.add(value);
        defined.push({ name: (value as DrPolicy).name, file: `${folder.name}/${file}` });
      }
    }
  }
  return { defined, unfound: DR_POLICIES.filter((p) => !found.has(p)) };
}

describe("policies/names: each policy's file is named after the policy", () => {
  it("gives the files of the rule's examples", () => {
    assert.equal(expectedFile("aurora-storage-encrypted", "aurora"), "aurora/storageEncrypted.ts");
    assert.equal(expectedFile("dr-writer-quorum", "stack"), "stack/writerQuorum.ts");
    assert.equal(
      expectedFile("rto-budget-within-target", "stack"),
      "stack/rtoBudgetWithinTarget.ts",
    );
    assert.equal(
      expectedFile("eventbridge-target-dead-letter", "events"),
      "events/eventbridgeTargetDeadLetter.ts",
    );
    assert.equal(
      expectedFile("route53-no-failover-routing", "route53"),
      "route53/noFailoverRouting.ts",
    );
  });

  it("catches a planted bad file name, a policy in another service's folder, and two policies in one file", () => {
    const planted: DefinedPolicy[] = [
      { name: "aurora-storage-encrypted", file: "aurora/storageEncrypted.ts" }, // fine
      { name: "msk-brokers-three-azs", file: "msk/threeAzs.ts" }, // a shortened name
      { name: "kms-key-rotation", file: "aurora/keyRotation.ts" }, // the wrong folder's word kept off
      { name: "dr-writer-record", file: "stack/writerRecord.ts" },
      { name: "dr-writer-quorum", file: "stack/writerRecord.ts" },
    ];
    const problems = fileNameViolations(planted);
    assert.deepEqual(problems, [
      'policy "msk-brokers-three-azs" is defined in policies/msk/threeAzs.ts: git mv it to policies/msk/brokersThreeAzs.ts',
      'policy "kms-key-rotation" is defined in policies/aurora/keyRotation.ts: git mv it to policies/aurora/kmsKeyRotation.ts',
      'policy "dr-writer-quorum" is defined in policies/stack/writerRecord.ts: git mv it to policies/stack/writerQuorum.ts',
      "policies/stack/writerRecord.ts defines 2 policies (dr-writer-record, dr-writer-quorum): one policy per file",
    ]);
  });

  it("holds for every policy in the pack, each found in exactly one module", () => {
    const { defined, unfound } = definedPolicies();
    assert.deepEqual(
      unfound.map((p) => p.name),
      [],
      "policies in DR_POLICIES that no module under policies/<folder>/ exports",
    );
    assert.equal(
      defined.length,
      DR_POLICIES.length,
      "a policy is exported by more than one module",
    );
    assert.deepEqual(fileNameViolations(defined), []);
  });
});
