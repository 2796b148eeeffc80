export * from "./schema";
export { parseManifest, readManifestFile, manifestAgeSeconds } from "./validate";
