import type { SampleRegion } from "../../manifest/sample";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DrManifest } from "../../manifest";
import { AdaptersFactory } from "../adapters/types";
import { CliDeps } from "../cli/deps";
import { runCli } from "../commands/program";
import { ManualClock, seededRandom } from "../engine/clock";
import { FakeAws } from "./fakeAws";
import { freshManifests } from "./harness";

/** A scratch directory with manifests written as `pulumi stack output --json` does. */
export class CliFixture {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-cli-"));
  readonly clock = new ManualClock();
  readonly manifests: DrManifest[];
  fake: FakeAws;
  stdout = "";
  stderr = "";
  isTTY = false;
  answers: string[] = [];
  prompts: string[] = [];
  adapterFactory?: AdaptersFactory;

  /** Two cells by default; pass the regions of the sample cells for more. */
  constructor(regions?: readonly SampleRegion[]) {
    this.manifests = freshManifests(this.clock.now(), regions);
    this.fake = new FakeAws(this.manifests);
    fs.mkdirSync(path.join(this.dir, "manifests"));
    this.writeManifests();
  }

  writeManifests(ms: DrManifest[] = this.manifests): void {
    for (const m of ms) {
      fs.writeFileSync(
        path.join(this.dir, "manifests", `${m.stack}.json`),
        JSON.stringify({ drManifest: m, otherOutput: "x" }, null, 2),
      );
    }
  }

  deps(): CliDeps {
    return {
      adapters: this.adapterFactory ?? (() => this.fake.adapters()),
      clock: this.clock,
      random: seededRandom(3),
      stdout: { write: (s) => void (this.stdout += s) },
      stderr: { write: (s) => void (this.stderr += s) },
      isTTY: this.isTTY,
      prompt: async (q) => {
        this.prompts.push(q);
        return this.answers.shift() ?? "";
      },
      cwd: this.dir,
      env: {},
    };
  }

  async run(...argv: string[]): Promise<number> {
    this.stdout = "";
    this.stderr = "";
    return runCli(argv, this.deps());
  }

  mutatingCalls() {
    return this.fake.stateChanges();
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
