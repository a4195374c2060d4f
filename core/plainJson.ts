/**
 * The JSON text of a value that JSON writes faithfully, so that two values with the same text are
 * the same data to any pure check (core/registrySchema.ts keeps the texts of items that passed
 * its schema). Plain data only: strings, booleans, null, finite numbers other than -0, dense
 * arrays and plain objects of those, with no undefined property; anything JSON would drop, change
 * or refuse (undefined, NaN, -0, a Date, a Map, a class instance, a function, a cycle) has none.
 */
export function plainJson(value: unknown): string | undefined {
  return isPlain(value, 0) ? JSON.stringify(value) : undefined;
}

/** Deeper than any registry item: a cycle or an unusual value is simply not keyed. */
const MAX_DEPTH = 16;

function isPlain(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlain(value[i], depth + 1)) return false;
        }
        return Object.keys(value).length === value.length;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) return false;
        if (!isPlain((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
