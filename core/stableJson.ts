import { configure } from "safe-stable-stringify";

// Keys sorted at every depth; like JSON.stringify, a cycle is a TypeError rather than a
// "[Circular]" marker that could make two different values compare equal.
const stringify = configure({ deterministic: true, circularValue: TypeError });

/** JSON with object keys sorted, so two equal values always serialize the same way. */
export function stableJson(value: unknown): string {
  const json = stringify(value);
  if (json === undefined) throw new TypeError(`stableJson: ${typeof value} has no JSON form`);
  return json;
}

/** Deep equality of JSON values, ignoring key order; two absent values (undefined) are equal. */
export function sameJson(a: unknown, b: unknown): boolean {
  return stringify(a) === stringify(b);
}
