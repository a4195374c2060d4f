/**
 * IAM's wildcard matching of an action or a resource: `*` any run of characters, `?` exactly one
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
 * Actions compare case-insensitively, resources case-sensitively.
 */
export function iamGlobMatches(pattern: string, value: string, caseless: boolean): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, caseless ? "i" : "").test(value);
}
