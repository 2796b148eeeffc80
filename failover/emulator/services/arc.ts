import { RoutingControlState } from "../../adapters/types";
import { JsonObject, jsonCodec } from "../protocols/json";
import { CallContext, defineService, WireFault } from "../wire";

/**
 * ARC's cluster data plane (route53-recovery-cluster): routing control states from the
 * simulator. Every regional cluster endpoint is this one port; the SigV4 scope says which
 * endpoint a client used, and the simulator records the call against that region.
 */
export const arc = defineService<JsonObject, JsonObject>({
  name: "route53-recovery-cluster",
  codec: jsonCodec({
    targetPrefix: "ToggleCustomerAPI",
    errorNamespace: "com.amazonaws.route53recoverycluster",
  }),
  throttle: { code: "ThrottlingException", status: 429 },
  errors: {
    ResourceNotFoundException: { status: 404 },
    AccessDeniedException: { status: 403 },
    ConflictException: { status: 409 },
    ValidationException: { status: 400 },
    ServiceLimitExceededException: { status: 402 },
    InternalServerException: { status: 500 },
    InternalFailure: { code: "InternalServerException", status: 500 },
    EndpointTemporarilyUnavailableException: { status: 503 },
  },
  operations: {
    async GetRoutingControlState(input, ctx) {
      const arn = required(input, "RoutingControlArn");
      const state = await ctx.adapters.arc.getRoutingControlState(arn, atThisEndpoint(ctx));
      return {
        RoutingControlArn: arn,
        RoutingControlState: state,
        RoutingControlName: nameOf(arn),
      };
    },
    async UpdateRoutingControlState(input, ctx) {
      await ctx.adapters.arc.updateRoutingControlStates(
        [{ routingControlArn: required(input, "RoutingControlArn"), state: stateOf(input) }],
        { ...atThisEndpoint(ctx), safetyRulesToOverride: rules(input) },
      );
      return {};
    },
    async UpdateRoutingControlStates(input, ctx) {
      const entries = Array.isArray(input.UpdateRoutingControlStateEntries)
        ? (input.UpdateRoutingControlStateEntries as JsonObject[])
        : [];
      if (entries.length === 0) {
        throw new WireFault(
          "ValidationException",
          "UpdateRoutingControlStateEntries is required",
          400,
        );
      }
      await ctx.adapters.arc.updateRoutingControlStates(
        entries.map((e) => ({
          routingControlArn: required(e, "RoutingControlArn"),
          state: stateOf(e),
        })),
        { ...atThisEndpoint(ctx), safetyRulesToOverride: rules(input) },
      );
      return {};
    },
  },
});

/** The simulator picks an ARC endpoint itself; avoiding all others makes it the one called. */
function atThisEndpoint(ctx: CallContext): { avoidRegions: string[] } {
  return { avoidRegions: ARC_REGIONS.filter((r) => r !== ctx.region) };
}

/** The five regions an ARC cluster has data-plane endpoints in (the simulator's default). */
export const ARC_REGIONS = [
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-2",
  "ap-northeast-1",
];

function required(o: JsonObject, name: string): string {
  const v = o[name];
  if (typeof v !== "string" || v === "") {
    throw new WireFault("ValidationException", `${name} is required`, 400);
  }
  return v;
}

function stateOf(o: JsonObject): RoutingControlState {
  const s = o.RoutingControlState;
  if (s !== "On" && s !== "Off") {
    throw new WireFault(
      "ValidationException",
      `RoutingControlState must be On or Off, not ${String(s)}`,
      400,
    );
  }
  return s;
}

function rules(o: JsonObject): string[] | undefined {
  return Array.isArray(o.SafetyRulesToOverride) ? (o.SafetyRulesToOverride as string[]) : undefined;
}

function nameOf(arn: string): string {
  return arn.split("/").pop() ?? arn;
}
