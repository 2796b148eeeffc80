/**
 * Which region and service a request is for, read from its SigV4 credential scope
 * (`Credential=AKID/20261122/eu-west-1/dynamodb/aws4_request`). Every client signs for the
 * region and service it means, so one loopback port can stand in for every AWS endpoint. The
 * signature itself is not checked: the emulator holds no secrets and binds to loopback only.
 */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const SCOPE = /^([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request$/;

/** The scope of a header-signed or presigned request, or undefined when it carries none. */
export function credentialScope(
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
): CredentialScope | undefined {
  const auth = headers.authorization;
  const header = Array.isArray(auth) ? auth[0] : auth;
  let credential: string | undefined;
  if (header?.startsWith("AWS4-HMAC-SHA256 ")) {
    credential = /Credential=([^,\s]+)/.exec(header)?.[1];
  } else if (query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256") {
    credential = query.get("X-Amz-Credential") ?? undefined;
  }
  const m = credential ? SCOPE.exec(credential) : null;
  if (!m) return undefined;
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4] };
}
