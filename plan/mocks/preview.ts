import * as pulumi from "@pulumi/pulumi";

/**
 * What `pulumi preview` knows of a resource it would create. The provider's `check` fills in the
 * auto-name; everything else it computes (ids, ARNs, nested computed fields) is the engine's
 * unknown until `up`.
 */

/** Properties a provider fills in at `check`, before anything exists: the auto-name. */
const AUTONAMED = ["name", "bucket"];

/** A plain object; an asset, archive, secret or resource reference (special signature) is a value. */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(pulumi.runtime.specialSigKey in v);

/**
 * The inputs as the engine holds them after the provider's `check` (what a policy's Analyze
 * sees): the program's inputs plus the auto-name the provider chose, when the program gave none.
 */
export function checkedInputs(
  inputs: Record<string, unknown>,
  state: Record<string, unknown>,
): Record<string, unknown> {
  const checked = { ...inputs };
  for (const key of AUTONAMED) {
    if (!(key in inputs) && typeof state[key] === "string") checked[key] = state[key];
  }
  return checked;
}

/**
 * `known` with the engine's unknown wherever `after` (the state after `up`) has a value that
 * `known` lacks, at any depth: how a provider previews the computed parts of what it was given.
 */
export function unknownWhereComputed(after: unknown, known: unknown): unknown {
  if (known === undefined) return after === undefined ? undefined : pulumi.runtime.unknownValue;
  if (isObject(after) && isObject(known)) {
    const keys = new Set([...Object.keys(after), ...Object.keys(known)]);
    return Object.fromEntries([...keys].map((k) => [k, unknownWhereComputed(after[k], known[k])]));
  }
  if (Array.isArray(after) && Array.isArray(known) && after.length === known.length) {
    return known.map((item, i) => unknownWhereComputed(after[i], item));
  }
  return known;
}

/**
 * The mocks' answer for a create in a preview: the known inputs (an unknown input reaches the mocks
 * as a key without a value), computed parts inside them unknown, and the auto-name. Top-level
 * computed outputs are left out: the runtime resolves a missing output as unknown in a preview.
 */
export function previewState(
  inputs: Record<string, unknown>,
  state: Record<string, unknown>,
): Record<string, unknown> {
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(checkedInputs(inputs, state))) {
    if (value !== undefined) known[key] = unknownWhereComputed(state[key], value);
  }
  return known;
}
