/**
 * `structuredClone` for the models' plain data (registry items, call inputs, shadow states), at a
 * fraction of its cost: the simulator copies every row it stores and reads (~300 copies per
 * schedule, measured with --cpu-prof: structuredClone was ~12 % of a run). Same result as
 * structuredClone: a value made of primitives, plain objects and dense arrays, with no object
 * reached twice, is copied here; anything else (a Date, a Map, a class instance, a shared or
 * cyclic reference, an array with holes or extra keys, a function) goes to structuredClone whole,
 * which keeps its semantics (and its errors).
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== "object" || value === null) return structuredClone(value);
  const seen: object[] = [];
  const copied = copy(value, seen);
  return copied === NOT_PLAIN ? structuredClone(value) : (copied as T);
}

const NOT_PLAIN = Symbol("not plain data");

function copy(value: unknown, seen: object[]): unknown {
  if (typeof value !== "object" || value === null) {
    // Functions and symbols are structuredClone's to refuse.
    return typeof value === "function" || typeof value === "symbol" ? NOT_PLAIN : value;
  }
  // A reference met twice: structuredClone keeps it shared (or cyclic), a copy would not.
  if (seen.includes(value)) return NOT_PLAIN;
  seen.push(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_PLAIN;
    if (Object.keys(value).length !== value.length) return NOT_PLAIN;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const c = copy(value[i], seen);
      if (c === NOT_PLAIN) return NOT_PLAIN;
      out[i] = c;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Assigned, an own "__proto__" would set the copy's prototype instead.
    if (key === "__proto__") return NOT_PLAIN;
    const c = copy((value as Record<string, unknown>)[key], seen);
    if (c === NOT_PLAIN) return NOT_PLAIN;
    out[key] = c;
  }
  return out;
}
