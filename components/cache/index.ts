export { CacheCell, createCacheCell, CACHE_PORT } from "./cacheCell";
export type { CacheCellArgs, CacheCellOutputs, CacheEngine } from "./cacheCell";
export { cacheArgIssues } from "./validate";
