/**
 * Write admission: the one implementation of the contract every service instance honours
 * before accepting a write (docs/drills.md, "What applications must honour"; docs/admission.md).
 * The failover simulator's application decides with the same `decideAdmission`.
 */
export { decideAdmission } from "./decision";
export type {
  AdmissionCondition,
  AdmissionDecision,
  AdmissionInput,
  FenceItem,
  PeerContact,
  RefusalCause,
  WriterItem,
} from "./decision";
export {
  DEFAULT_CACHE_MS,
  DEFAULT_LEASE_SECONDS,
  DEFAULT_TIMEOUT_MS,
  MAX_CACHE_MS,
  WriteAdmission,
  WriteNotAdmittedError,
} from "./reader";
export type { CheckedDecision, WriteAdmissionOptions } from "./reader";
export { DEFAULT_HEARTBEAT_INTERVAL_MS, Heartbeat } from "./heartbeat";
export type { HeartbeatOptions } from "./heartbeat";
export { AdmissionTimeoutError } from "./bounded";
export { CONTROL_KEY, ControlItemError, fencePk, heartbeatPk, WRITER_PK } from "./items";
