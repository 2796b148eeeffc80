#!/usr/bin/env node
// The `failover` operator command. It runs the JavaScript bundle built by `npm ci` / `npm run
// build` (dist/failover.js: starts in a fraction of a second), and the TypeScript sources through
// tsx when the bundle is missing or older than any of its sources, so a checkout being edited
// never runs stale code.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");

/**
 * True when `dir/failover.js` exists and none of the files it was built from (listed beside it
 * by tools/buildCli.ts) is newer or gone. One stat per source file: about a millisecond.
 */
function bundleIsFresh(dir = dist, sourceRoot = root) {
  try {
    const built = fs.statSync(path.join(dir, "failover.js")).mtimeMs;
    const { inputs } = JSON.parse(fs.readFileSync(path.join(dir, "failover.inputs.json"), "utf8"));
    return (
      inputs.length > 0 &&
      inputs.every((f) => fs.statSync(path.join(sourceRoot, f)).mtimeMs <= built)
    );
  } catch {
    return false;
  }
}

function load() {
  if (bundleIsFresh()) return require(path.join(dist, "failover.js"));
  require("tsx/cjs");
  return require("../failover/commands/program");
}

if (require.main === module) {
  // The SDK's notice that future versions need Node 22 is noise in an incident; the support
  // policy is in package.json's engines and the README.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  load().main();
} else {
  module.exports = { bundleIsFresh };
}
