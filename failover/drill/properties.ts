import fc from "fast-check";
import { sampleManifest } from "../../manifest/sample";
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
  const r = result;
  let problem: string | undefined;
  if (!r.invariants.singleWriter)
    problem = `two regions accepted writes at once: ${JSON.stringify(r.writerViolations.slice(0, 3))}`;
  else if (!r.invariants.oneWriterRecord)
    problem = `two writer records healthy at once: ${JSON.stringify(r.writerRecordOverlaps.slice(0, 3))}`;
  else if (r.invariants.noLostWritesOnSwitchover === false)
    problem = `a switchover lost acknowledged writes: ${JSON.stringify(r.stores)}`;
  else if (r.run.failures.some((f) => f.message.length === 0))
    problem = "a safe stop without a message";
  else if (r.run.status !== "succeeded")
    problem = `the run did not finish after ${r.run.resumes} resumes: ${JSON.stringify(r.run.failures.slice(-2))}`;
  else if (!r.invariants.converged)
    problem = "the run finished but did not converge on one healthy writer";
  return { result, problem };
}

export function replayHint(input: PropertyInput): string {
  return `replay: PROPERTY_REPLAY='${JSON.stringify(input)}' npx mocha --no-config --require tsx/cjs --extension ts failover/drill/properties.test.ts`;
}
