import * as assert from "assert";
import fc from "fast-check";
import { checkProperty, PropertyInput, propertyInput, replayHint } from "./properties";

/*
 * fast-check over random fault schedules and operator crashes (see properties.ts for the
 * property). PROPERTY_RUNS changes the count; PROPERTY_REPLAY='<input json>' replays one input
 * verbosely; bench/soak.ts runs 100,000 without mocha.
 */

describe("drill safety properties (random faults, crashes)", function () {
  this.timeout(600_000);

  const replay = process.env.PROPERTY_REPLAY;
  if (replay) {
    it(`replays ${replay}`, async () => {
      const { result, problem } = await checkProperty(JSON.parse(replay) as PropertyInput);
      console.log(
        JSON.stringify(
          {
            run: result.run,
            invariants: result.invariants,
            faults: result.faults.map((f) => f.text),
            timeline: result.timeline,
          },
          null,
          2,
        ),
      );
      assert.strictEqual(problem, undefined);
    });
    return;
  }

  const runs = Number(process.env.PROPERTY_RUNS ?? 1000);
  it(`holds the invariants over ${runs} random runs`, async () => {
    await fc.assert(
      fc.asyncProperty(propertyInput, async (input) => {
        const { result, problem } = await checkProperty(input);
        if (problem) {
          assert.fail(
            `${problem}\nfaults: ${result.faults.map((f) => f.text).join("; ") || "none"}\n${replayHint(input)}`,
          );
        }
      }),
      { numRuns: runs, endOnFailure: true },
    );
  });
});
