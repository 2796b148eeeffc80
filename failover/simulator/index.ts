export { Simulation, DEFAULT_EPOCH_MS } from "./simulation";
export type { SimulationOptions, Session, CallRecord } from "./simulation";
export { defaultParams, resolveParams } from "./params";
export type { SimParams, ParamOverrides } from "./params";
export { Kernel } from "./kernel";
export { Rng, sample } from "./rng";
export type { Distribution } from "./rng";
export type { ApiDegradation } from "./world";
