import { EventSourceMappingState } from "../../adapters/types";
import { JsonObject } from "../protocols/json";
import { RestInput, restJsonCodec } from "../protocols/rest";
import { defineService, WireFault } from "../wire";

/**
 * Lambda: the consumers' event source mappings (GetEventSourceMapping, UpdateEventSourceMapping
 * with `Enabled`), REST-JSON as the SDK speaks it, from the simulator's consumer model.
 */
export const lambda = defineService<RestInput, JsonObject>({
  name: "lambda",
  codec: restJsonCodec([
    {
      method: "GET",
      pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)$/,
      operation: "GetEventSourceMapping",
      labels: ["UUID"],
    },
    {
      method: "PUT",
      pattern: /^\/2015-03-31\/event-source-mappings\/([^/]+)$/,
      operation: "UpdateEventSourceMapping",
      labels: ["UUID"],
    },
  ]),
  throttle: { code: "TooManyRequestsException", status: 429 },
  errors: {
    ResourceNotFoundException: { status: 404 },
    ResourceInUseException: { status: 400 },
    InvalidParameterValueException: { status: 400 },
    ServiceException: { status: 500 },
    InternalFailure: { code: "ServiceException", status: 500 },
  },
  operations: {
    async GetEventSourceMapping(input, ctx) {
      return mapping(
        await ctx.adapters.lambda.getEventSourceMapping(ctx.region, input.labels.UUID),
      );
    },
    async UpdateEventSourceMapping(input, ctx) {
      const enabled = input.body.Enabled;
      if (typeof enabled !== "boolean") {
        // The runbooks switch `Enabled` only; anything else is not a change the emulator makes.
        throw new WireFault(
          "InvalidParameterValueException",
          "the emulator changes Enabled only (a boolean)",
          400,
        );
      }
      return mapping(
        await ctx.adapters.lambda.setEventSourceMappingEnabled(
          ctx.region,
          input.labels.UUID,
          enabled,
        ),
      );
    },
  },
});

function mapping(m: EventSourceMappingState): JsonObject {
  return {
    UUID: m.uuid,
    State: m.state,
    FunctionArn: m.functionArn,
    EventSourceArn: m.eventSourceArn,
    BatchSize: 10,
    StateTransitionReason: "USER_INITIATED",
  };
}
