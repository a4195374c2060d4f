// Fields of IoT events and CloudTrail requests, read the same way by every normalizer.

/** A non-empty string, or undefined. */
export const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** The name after `:<type>/` in an IoT ARN (`thing/<name>`, `thinggroup/<name>`). */
export function nameInArn(arn: unknown, type: string): string | undefined {
  const value = str(arn);
  const marker = `:${type}/`;
  const at = value?.indexOf(marker) ?? -1;
  return at >= 0 ? value!.slice(at + marker.length) || undefined : undefined;
}
