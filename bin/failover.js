#!/usr/bin/env node
// The `failover` operator command. TypeScript runs through tsx, so no build step stands
// between an on-call engineer and the command.
"use strict";
// The SDK's notice that future versions need Node 22 is noise in an incident; the support
// policy is in package.json's engines and the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
require("tsx/cjs");
require("../failover/cli/program").main();
