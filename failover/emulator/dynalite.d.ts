// Types for the two dynalite modules the expression tests compare against (dynalite ships none).
declare module "dynalite/validations" {
  /** Parses the request's expressions into `data._condition` etc.; returns an error message. */
  export function validateExpressions(data: Record<string, unknown>): string | undefined;
}
declare module "dynalite/db" {
  /** null when the condition holds, an Error (ConditionalCheckFailed) when it does not. */
  export function checkConditional(
    data: Record<string, unknown>,
    existingItem: Record<string, unknown> | undefined,
  ): Error | null | undefined;
}
