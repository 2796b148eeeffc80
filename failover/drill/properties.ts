import fc from "fast-check";
import { sampleManifest } from "../../manifest/sample";
import { safetyProblem } from "./checker";
import { RANDOM_FAULTS, randomFaults } from "./faults";
import { DrillResult, runDrill, ScenarioName, SCENARIOS } from "./harness";
import { Rng } from "../simulator/rng";

/*
 * The safety property the tests (1,000 runs) and bench/soak.ts (100,000) check. Safety under
 * random faults: fast-check draws a scenario, a seed, a number of random faults
 * (any type, any region, healing within RANDOM_FAULTS.maxDuration) and operator crash points;
 * the real engine and runbooks run against the simulator. Whatever happens:
 *  - never two regions accept writes at once;
 *  - never two cells' writer records are healthy at once;
 *  - a switchover loses no acknowledged write;
 *  - every stop is safe and says why, and resuming converges on one healthy writer.
 * A failure prints the input and how to replay it.
 */

export interface PropertyInput {
  scenario: ScenarioName;
  seed: number;
  faultCount: number;
  crashes: number[];
}

const WARMUP = 60;
const manifests = [sampleManifest("us-east-1"), sampleManifest("eu-west-1")];

export const propertyInput: fc.Arbitrary<PropertyInput> = fc.record({
  scenario: fc.constantFrom(...SCENARIOS),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  faultCount: fc.integer({ min: 0, max: 3 }),
  crashes: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 2 }),
});

/** One property run: the drill for `input`, or the reason it breaks an invariant. */
export async function checkProperty(
  input: PropertyInput,
): Promise<{ result: DrillResult; problem?: string }> {
  const regions = manifests.map((m) => m.region);
  const faults = randomFaults(new Rng(input.seed).fork("random-faults"), regions, {
    count: input.faultCount,
    from: WARMUP,
    ...RANDOM_FAULTS,
  });
  const result = await runDrill({
    manifests,
    scenario: input.scenario,
    seed: input.seed,
    faults,
    crashes: [...input.crashes].sort((a, b) => a - b),
    warmupSeconds: WARMUP,
    // Invariants do not need the 1 s RPO resolution: half the canary traffic, twice the runs.
    params: { workload: { writeIntervalSeconds: 2, clientsPerRegion: 1 } },
  });
  return { result, problem: safetyProblem(result) };
}

export function replayHint(input: PropertyInput): string {
  return `replay: PROPERTY_REPLAY='${JSON.stringify(input)}' npx mocha --no-config --require tsx/cjs --extension ts failover/drill/properties.test.ts`;
}
