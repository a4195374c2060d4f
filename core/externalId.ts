/**
 * The one reading of an external id held in a secret, for every place that uses it: the access
 * role's trust (infra), the API's AssumeRole and the health check's. A value with surrounding
 * whitespace (a pasted trailing newline) is refused, never trimmed in one place and kept in
 * another: otherwise the trust holds "id\n", the API sends "id" and fails, and the health check,
 * which sends "id\n", stays green. STS takes 2-1224 characters of [\w+=,.@:/-]
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
const STS_EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function externalIdFromSecret(value: string | undefined, secretName: string): string {
  if (!value) {
    throw new Error(`secret ${secretName} holds no external id: the operator must fill it`);
  }
  if (value.trim() !== value) {
    throw new Error(
      `secret ${secretName} holds an external id with surrounding whitespace (a trailing newline?): store it without, e.g. printf '%s' "$ID" | aws secretsmanager put-secret-value --secret-string file:///dev/stdin`,
    );
  }
  if (!STS_EXTERNAL_ID.test(value)) {
    throw new Error(
      `secret ${secretName} holds no valid external id: expected 2-1224 characters of letters, digits and +=,.@:/-_`,
    );
  }
  return value;
}
