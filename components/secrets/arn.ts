/**
 * A secret's replica keeps the primary's name and the random six-character ARN suffix; only
 * the region in the ARN differs. So a peer can compute the ARN of the replica in its own region
 * from the primary's ARN (read from the home cell's DR manifest) without any API call.
 */
const SECRET_ARN =
  /^arn:(aws[\w-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([\w/+=.@-]+-[A-Za-z0-9]{6})$/;

export interface SecretArnParts {
  partition: string;
  region: string;
  account: string;
  /** The name plus AWS's `-XXXXXX` suffix. */
  nameWithSuffix: string;
}

/** Parses a Secrets Manager secret ARN; undefined when `arn` is not one. */
export function parseSecretArn(arn: string): SecretArnParts | undefined {
  const m = SECRET_ARN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], region: m[2], account: m[3], nameWithSuffix: m[4] };
}

/**
 * The ARN of the replica of secret `arn` in `region`: `arn:aws:secretsmanager:eu-west-1:...`
 * with the same name and suffix. Throws when `arn` is not a secret ARN or `region` not a region.
 */
export function replicaSecretArn(arn: string, region: string): string {
  const parts = parseSecretArn(arn);
  if (!parts) {
    throw new Error(
      `'${arn}' is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>); pass the primary secret's full ARN.`,
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new Error(`'${region}' is not an AWS region name (e.g. eu-west-1).`);
  }
  return `arn:${parts.partition}:secretsmanager:${region}:${parts.account}:secret:${parts.nameWithSuffix}`;
}
