import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { InputValidationError, isUserInputError } from "./issues";

describe("isUserInputError: what the plan reports as bad input (exit 2) rather than a bug (exit 3)", () => {
  it("accepts config, component-arg and program errors", () => {
    const errors = [
      new InputValidationError("Config of stack s", [{ key: "dr:app", message: "is missing." }]),
      new pulumi.RunError("Config of stack s is invalid"),
      new pulumi.ResourceError("bad combination", undefined),
      new pulumi.InputPropertyError({ propertyPath: "tables", reason: "must be a list." }),
      new pulumi.InputPropertiesError({ message: "two bad args", errors: [] }),
    ];
    for (const e of errors) assert.equal(isUserInputError(e), true, e.constructor.name);
  });

  it("rejects everything else: a bug keeps its stack trace", () => {
    for (const e of [new TypeError("x is not a function"), new Error("boom"), "text", undefined]) {
      assert.equal(isUserInputError(e), false, String(e));
    }
  });
});
