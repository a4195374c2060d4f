/**
 * A shadow document's `metadata`, as IoT keeps it: for each field of `state.desired` and
 * `state.reported`, the epoch-seconds `timestamp` of its last update ("timestamps, in Epoch time,
 * for each attribute in the state section, which enables you to determine when they were updated":
 * AWS IoT developer guide, Device Shadow service documents,
 * https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html). It mirrors
 * the state: an object field's metadata is an object of its fields', an array's an array of its
 * elements' (arrays are replaced whole), a value's `{ timestamp }`. An update stamps the fields
 * it sets, on IoT's clock (the region's, in the simulator), and drops those it sets to null;
 * fields it leaves out keep theirs. moto 5.2.1 (iotdata) stamps every field of the shadow with the
 * last update's time instead: later than AWS for untouched fields, still no later than the state.
 */

export type ShadowMetadata = { desired?: unknown; reported?: unknown };

/** The metadata after an update whose request `state` is `patch`, at `seconds`. */
export function stampShadowMetadata(
  current: ShadowMetadata | undefined,
  patch: Record<string, unknown> | null | undefined,
  seconds: number,
): ShadowMetadata {
  const next: ShadowMetadata = { ...(current ?? {}) };
  // `"state": null` clears the document (moto, and the simulator's reconciler never sends it).
  if (patch === null) return {};
  for (const section of ["desired", "reported"] as const) {
    if (!patch || !(section in patch)) continue;
    const stamped = stamp(next[section], patch[section], seconds);
    if (stamped === undefined || isEmptyObject(stamped)) delete next[section];
    else next[section] = stamped;
  }
  return next;
}

function stamp(current: unknown, patch: unknown, seconds: number): unknown {
  if (patch === null) return undefined;
  if (!isObject(patch)) return leaves(patch, seconds);
  // An object field's metadata holds its fields'; a value's ({ timestamp }) is replaced.
  const base = isObject(current) && typeof current.timestamp !== "number" ? { ...current } : {};
  for (const [key, value] of Object.entries(patch)) {
    const merged = stamp(base[key], value, seconds);
    if (merged === undefined) delete base[key];
    else base[key] = merged;
  }
  return base;
}

/** The metadata of a value set whole: every leaf stamped. */
function leaves(value: unknown, seconds: number): unknown {
  if (Array.isArray(value)) return value.map((v) => leaves(v, seconds));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, leaves(v, seconds)]));
  }
  return { timestamp: seconds };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEmptyObject(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length === 0;
}
