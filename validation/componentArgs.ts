import * as pulumi from "@pulumi/pulumi";

/**
 * Throws every problem found in a component's args at once: one problem as an
 * InputPropertyError, several as an InputPropertiesError listing each. The engine prints only
 * an error's message, so the message names the component and each arg itself. Components call
 * this before creating anything, so a bad arg leaves nothing half-built.
 */
export function throwArgIssues(
  component: string,
  issues: readonly pulumi.InputPropertyErrorDetails[],
): void {
  if (issues.length === 0) return;
  // A reason may already start with its arg's name ("ttlSeconds is 120; ..."): say it once.
  const line = (i: pulumi.InputPropertyErrorDetails) =>
    i.reason.startsWith(i.propertyPath) ? i.reason : `${i.propertyPath}: ${i.reason}`;
  if (issues.length === 1) {
    const error = new pulumi.InputPropertyError(issues[0]);
    error.message = `${component}: ${line(issues[0])}`;
    throw error;
  }
  throw new pulumi.InputPropertiesError({
    message: `${component} has ${issues.length} invalid args:\n${issues
      .map((i) => `  - ${line(i)}`)
      .join("\n")}`,
    errors: [...issues],
  });
}

/** A value the program knows now (not an Output or a Promise), so it can be checked now. */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}
