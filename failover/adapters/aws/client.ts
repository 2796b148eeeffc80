import { fromIni, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { AdapterError, Region } from "../types";
import { toAdapterError } from "./errors";

/*
 * How every SDK client is built and every call is made, so that no call can outlive its
 * deadline. In @smithy/node-http-handler 4.x `requestTimeout` only logs a warning unless
 * `throwOnRequestTimeout` is set, and a call the engine merely stops waiting for keeps its
 * socket (and the process) alive. So each call gets an AbortSignal that destroys its socket at
 * the deadline, and credentials are resolved in the calling client's region with the same
 * bound: an AssumeRole for a client in eu-west-1 goes to STS in eu-west-1, never to the
 * region the profile names (which may be the region that failed).
 */

/** Client settings shared by every adapter. */
export interface ClientSettings {
  /** A named profile from the shared config files; the default credential chain otherwise. */
  profile?: string;
  /** Deadline of one call, credentials included. Defaults to 10 s. */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Attempts per AWS call (the SDK's standard retry: jittered backoff, a retry quota). */
export const CALL_ATTEMPTS = 3;

const deadlineOf = (s: ClientSettings) => s.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

/** Every client built, so the process can free their sockets when a command ends. */
const liveClients = new Set<{ destroy(): void }>();

/** Closes every SDK client's sockets. The CLI calls it before it exits. */
export function destroyAwsClients(): void {
  for (const c of liveClients) c.destroy();
  liveClients.clear();
  credentialSources.clear();
}

/** Registers a client for `destroyAwsClients` and returns it. */
export function tracked<C extends { destroy(): void }>(client: C): C {
  liveClients.add(client);
  return client;
}

function httpHandler(deadlineMs: number): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: Math.min(5_000, deadlineMs),
    requestTimeout: deadlineMs,
    throwOnRequestTimeout: true,
  });
}

/** Credentials are refreshed this long before they expire. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** One credential source per region and settings, shared by that region's clients. */
const credentialSources = new Map<string, AwsCredentialIdentityProvider>();

/**
 * Credentials for the clients in `region`: the profile (role profiles assume the role through
 * STS in `region`) or the default chain, each resolution bounded by the call deadline. Every
 * client of the region shares one resolution, so a role is assumed once per region, not once
 * per service.
 */
function credentialsFor(
  region: Region,
  s: ClientSettings,
  requestHandler: NodeHttpHandler,
): AwsCredentialIdentityProvider {
  const deadlineMs = deadlineOf(s);
  const key = `${region}|${s.profile ?? ""}|${deadlineMs}`;
  const known = credentialSources.get(key);
  if (known) return known;
  // `clientConfig.region` outranks the profile's `region` in the SDK's role assumer.
  const clientConfig = { region, requestHandler, maxAttempts: 1 };
  const provider = s.profile
    ? fromIni({ profile: s.profile, clientConfig })
    : fromNodeProviderChain({ clientConfig });
  const resolveBounded = (props?: Record<string, unknown>) =>
    new Promise<AwsCredentialIdentity>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new AdapterError(
              "transient",
              "STS",
              "ResolveCredentials",
              region,
              `credentials for ${region} did not resolve within ${Math.round(deadlineMs / 1000)} s`,
              "TimeoutError",
            ),
          ),
        deadlineMs,
      );
      provider(props).then(
        (c) => (clearTimeout(timer), resolve(c)),
        (e: unknown) => (clearTimeout(timer), reject(e)),
      );
    });
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const shared: AwsCredentialIdentityProvider = (props) => {
    const fresh =
      current &&
      (!current.expiration || current.expiration.getTime() - Date.now() > REFRESH_BEFORE_EXPIRY_MS);
    if (fresh) return Promise.resolve(current!);
    pending ??= resolveBounded(props).then(
      (c) => ((current = c), (pending = undefined), c),
      (e: unknown) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };
  credentialSources.set(key, shared);
  return shared;
}

export function clientConfig(region: Region, s: ClientSettings) {
  const requestHandler = httpHandler(deadlineOf(s));
  return {
    region,
    // A call's throttles, 5xx replies and resets are retried here, one call at a time, within
    // the call's deadline (the AbortSignal spans every attempt, so a black-holed endpoint still
    // costs one deadline). The engine retries whole steps on top: a step that reads five items
    // must not fail because one of them was throttled once.
    maxAttempts: CALL_ATTEMPTS,
    requestHandler,
    credentials: credentialsFor(region, s, requestHandler),
  };
}

/** One client per region, created on first use. */
export function perRegion<C extends { destroy(): void }>(
  make: (region: Region) => C,
): (region: Region) => C {
  const clients = new Map<Region, C>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = tracked(make(region));
      clients.set(region, c);
    }
    return c;
  };
}

/**
 * Runs one SDK call with a deadline and rethrows any failure as an AdapterError naming service,
 * call and region. `fn` must pass the signal to `client.send(command, { abortSignal })`: at the
 * deadline the request's socket is destroyed, whatever the far end does.
 */
export async function call<T>(
  settings: ClientSettings,
  service: string,
  operation: string,
  region: Region | undefined,
  fn: (options: { abortSignal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const deadlineMs = deadlineOf(settings);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  try {
    return await fn({ abortSignal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) {
      throw new AdapterError(
        "transient",
        service,
        operation,
        region,
        `${service} ${operation}${region ? ` in ${region}` : ""} did not answer within ${Math.round(deadlineMs / 1000)} s`,
        "TimeoutError",
        { cause: error },
      );
    }
    throw toAdapterError(service, operation, region, error);
  } finally {
    clearTimeout(timer);
  }
}
