import { loadSsoSessionData, parseKnownFiles } from "@smithy/core/config";
import { Region } from "../types";

/*
 * Which regions a named profile's credentials depend on, beyond the calling client's own.
 * Role profiles are fine: the adapters assume the role through STS in the calling client's
 * region. IAM Identity Center (SSO) is not: its portal lives in one region (`sso_region`), and
 * every credential the profile yields is fetched from there. A failover away from that region
 * cannot sign in, so the command refuses such a profile before it starts.
 */

interface Dependency {
  /** The profile in the chain that depends on the region. */
  profile: string;
  region: Region;
  why: string;
}

/** The IAM Identity Center regions a profile's credential chain (source profiles included) needs. */
export async function credentialRegionDependencies(profile: string): Promise<Dependency[]> {
  const [profiles, sessions] = await Promise.all([
    parseKnownFiles({ profile }),
    loadSsoSessionData().catch(() => ({}) as Record<string, Record<string, string | undefined>>),
  ]);
  const out: Dependency[] = [];
  const seen = new Set<string>();
  for (let name: string | undefined = profile; name && !seen.has(name);) {
    seen.add(name);
    const p = profiles[name] as Record<string, string | undefined> | undefined;
    if (!p) break;
    const session = p.sso_session ? sessions[p.sso_session] : undefined;
    const ssoRegion = session?.sso_region ?? p.sso_region;
    if (ssoRegion) {
      out.push({
        profile: name,
        region: ssoRegion,
        why: p.sso_session
          ? `signs in through IAM Identity Center (sso-session ${p.sso_session}) in ${ssoRegion}`
          : `signs in through IAM Identity Center in ${ssoRegion}`,
      });
    }
    name = p.source_profile;
  }
  return out;
}
