export { readPeers, checkPeerManifest, homeManifest, qualifyStackName } from "./peers";
export type { PeerRead } from "./peers";
