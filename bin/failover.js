#!/usr/bin/env node
// The `failover` operator command. TypeScript runs through tsx, so no build step stands
// between an on-call engineer and the command.
"use strict";
require("tsx/cjs");
require("../failover/cli/program").main();
