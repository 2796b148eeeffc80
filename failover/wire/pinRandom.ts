/*
 * Preloaded (`node --require`) into a `bin/failover.js` child by the ARC test: Math.random
 * returns 0, so the ARC adapter's random first endpoint is the first one listed and the test
 * decides which endpoint is tried first. Nothing else in the run depends on the draws' values.
 */
Math.random = () => 0;
