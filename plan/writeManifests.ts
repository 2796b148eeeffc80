/**
 * `npm run manifests [-- <dir>]`: renders every shipped stack offline (steady state) and writes
 * each DR manifest to `<dir>/<stack>.json` (default `manifests/`), the failover commands'
 * default input. Against real stacks, write them with `pulumi stack output --json`.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, renderSteadyState } from "./stack";

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? path.join(PROJECT_DIR, "manifests"));
  fs.mkdirSync(dir, { recursive: true });
  for (const [stack, render] of await renderSteadyState({
    generatedAt: new Date().toISOString(),
  })) {
    const file = path.join(dir, `${stack}.json`);
    fs.writeFileSync(file, `${JSON.stringify(render.manifest, null, 2)}\n`);
    console.log(
      `wrote ${path.relative(process.cwd(), file)} (${render.manifest.region}, ${render.manifest.roleAtCreation})`,
    );
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(2);
});
