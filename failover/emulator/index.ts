export { Emulator, isLoopback } from "./server";
export type { EmulatorOptions } from "./server";
export { parseFaults, faultSchema } from "./faults";
export type { FaultSpec, FaultType } from "./faults";
export { EMULATOR_PARAMS, mergeParams, parseParams } from "./params";
export type { RequestRecord } from "./log";
