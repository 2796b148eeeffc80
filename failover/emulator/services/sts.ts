import { createHash, randomBytes } from "crypto";
import { QueryParams, queryCodec } from "../protocols/query";
import { el, leaf } from "../protocols/xml";
import { defineService, WireFault } from "../wire";

/** STS: who the caller is, and temporary credentials for a role in the manifests' account. */
export const sts = defineService<QueryParams, string>({
  name: "sts",
  codec: queryCodec("https://sts.amazonaws.com/doc/2011-06-15/"),
  throttle: { code: "Throttling", status: 400 },
  errors: { ExpiredTokenException: { status: 400 }, AccessDenied: { status: 403 } },
  operations: {
    async GetCallerIdentity(_p, ctx) {
      const id = await ctx.adapters.sts.callerIdentity(ctx.region);
      return leaf("UserId", id.userId) + leaf("Account", id.account) + leaf("Arn", id.arn);
    },
    AssumeRole(p, ctx) {
      const roleArn = p.required("RoleArn");
      const session = p.required("RoleSessionName");
      const duration = p.int("DurationSeconds") ?? 3600;
      const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(
        roleArn,
      );
      if (!m) {
        throw new WireFault("ValidationError", `${roleArn} is invalid`, 400);
      }
      if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
        throw new WireFault(
          "ValidationError",
          `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
          400,
        );
      }
      const [, account, role] = m;
      // Stable per role: AWS gives each role one id.
      const roleId = `AROA${createHash("sha256").update(roleArn).digest("hex").slice(0, 17).toUpperCase()}`;
      const expiration = new Date(ctx.nowMs + duration * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z");
      return (
        el(
          "Credentials",
          leaf("AccessKeyId", `ASIA${randomBytes(8).toString("hex").toUpperCase()}`),
          leaf("SecretAccessKey", randomBytes(30).toString("base64")),
          leaf("SessionToken", `emulator/${randomBytes(48).toString("base64")}`),
          leaf("Expiration", expiration),
        ) +
        el(
          "AssumedRoleUser",
          leaf("AssumedRoleId", `${roleId}:${session}`),
          leaf("Arn", `arn:aws:sts::${account}:assumed-role/${role}/${session}`),
        )
      );
    },
  },
});
