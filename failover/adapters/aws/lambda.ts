import {
  EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { AdapterError, EventSourceMappingState, LambdaAdapter, Region } from "../types";
import { call, clientConfig, ClientSettings, perRegion } from "./client";

/**
 * Lambda refuses an update while a mapping is between states (ResourceInUseException) or
 * being changed by someone else (ResourceConflictException): the mapping is in transition,
 * so the caller re-reads it rather than fail.
 */
const IN_TRANSITION = new Set(["ResourceInUseException", "ResourceConflictException"]);

function mapping(m: EventSourceMappingConfiguration, uuid: string): EventSourceMappingState {
  return {
    uuid: m.UUID ?? uuid,
    state: m.State ?? "unknown",
    functionArn: m.FunctionArn ?? "",
    eventSourceArn: m.EventSourceArn ?? "",
  };
}

/** Event source mappings: read and switch on or off (UpdateEventSourceMapping `Enabled` only). */
export function awsLambda(settings: ClientSettings = {}): LambdaAdapter {
  const client = perRegion((region) => new LambdaClient(clientConfig(region, settings)));
  const inTransition = (region: Region, op: string, e: unknown): never => {
    if (e instanceof AdapterError && e.awsName && IN_TRANSITION.has(e.awsName)) {
      throw new AdapterError("invalid-state", "Lambda", op, region, e.message, e.awsName, {
        cause: e,
      });
    }
    throw e;
  };
  return {
    async getEventSourceMapping(region, uuid) {
      const out = await call(settings, "Lambda", "GetEventSourceMapping", region, (o) =>
        client(region).send(new GetEventSourceMappingCommand({ UUID: uuid }), o),
      );
      return mapping(out, uuid);
    },
    async setEventSourceMappingEnabled(region, uuid, enabled) {
      const out = await call(settings, "Lambda", "UpdateEventSourceMapping", region, (o) =>
        client(region).send(
          new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }),
          o,
        ),
      ).catch((e: unknown) => inTransition(region, "UpdateEventSourceMapping", e));
      return mapping(out, uuid);
    },
  };
}
