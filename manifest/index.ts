export * from "./schema";
export { parseManifest, readManifestFile } from "./validate";
