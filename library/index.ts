/**
 * The package's public API: what a Pulumi program of its own imports to build a DR cell and
 * attach its services to it (examples/service-on-a-cell). Everything else is internal and may
 * change between releases; the DR manifest's shape is versioned (MANIFEST_SCHEMA_VERSION).
 */
export { RegionalCell } from "../components/cell";
export type { RegionalCellArgs, Deferral, CellParts, CellEndpoints } from "../components/cell";
export { cellProgram } from "../program";
export type { CellProgramOptions } from "../program";
export { loadDrConfig, readStackConfig, CONFIG_NAMESPACE } from "../config";
export type { DrConfig, CellRole, PeerCell } from "../config";
export { readPeers } from "../peers";
export type { PeerRead } from "../peers";
export {
  drManifestSchema,
  parseManifest,
  readManifestFile,
  MANIFEST_OUTPUT,
  MANIFEST_SCHEMA_VERSION,
} from "../manifest";
export type { DrManifest } from "../manifest";
export { WriteAdmission, Heartbeat } from "../admission";
export { InputValidationError } from "../validation/issues";
