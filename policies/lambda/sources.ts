import type { PolicyResource } from "@pulumi/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";

/** What an event source mapping reads, from its source ARN. */
export type SourceKind = "sqs" | "stream" | "other" | "unknown";

export function sourceKind(eventSourceArn: unknown): SourceKind {
  const arn = str(eventSourceArn);
  if (!arn) return "unknown";
  if (arn.startsWith("arn:aws") && arn.split(":")[2] === "sqs") return "sqs";
  if (/:dynamodb:.*\/stream\//.test(arn) || arn.split(":")[2] === "kinesis") return "stream";
  return "other";
}

/** The function an event source mapping invokes, found by ARN or name in the stack. */
export function mappedFunction(
  resources: PolicyResource[],
  mapping: PolicyResource,
): PolicyResource | undefined {
  const ref = str(mapping.props.functionArn) ?? str(mapping.props.functionName);
  if (!ref) return undefined;
  return resources.find(
    (r) =>
      r.type === T.lambdaFunction &&
      (str(r.props.arn) === ref ||
        str(r.props.name) === ref ||
        ref.endsWith(`:function:${str(r.props.name)}`)),
  );
}
