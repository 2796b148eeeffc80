import { Command } from "commander";
import { CliDeps } from "../cli/deps";
import { registerDrill } from "./drill";
import { registerEmulate } from "./emulate";
import { registerFailback } from "./failback";
import { registerFailover } from "./failover";
import { registerIamPolicy } from "./iamPolicy";
import { registerPlan } from "./plan";
import { registerStatus } from "./status";
import { registerSwitchover } from "./switchover";

/** A subcommand: adds itself to the program; its action gets the injected dependencies. */
export type RegisterCommand = (program: Command, deps: CliDeps) => void;

/** Every subcommand, in help order. Add one line per new command (e.g. `drill`). */
export const COMMANDS: RegisterCommand[] = [
  registerStatus,
  registerPlan,
  registerSwitchover,
  registerFailover,
  registerFailback,
  registerIamPolicy,
  registerDrill,
  registerEmulate,
];
