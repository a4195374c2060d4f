import * as policy from "@pulumi/policy";
import { PolicyResource } from "@pulumi/policy";

/**
 * Exported from the package's entry (its index.d.ts: `export { unknownCheckingProxy,
 * UnknownValueError } from "./proxy"`), but the class's own declaration is left out of the
 * typings; CrossGuard's analyzer tests `instanceof` it, and its props proxy throws it.
 */
const { UnknownValueError } = policy as unknown as {
  UnknownValueError: new (sentinel: string, path: string[]) => Error;
};

/**
 * At `pulumi preview` the engine sends what a new resource's provider cannot know yet (its id, ARN,
 * and every input computed from them) as sentinel strings, and @pulumi/policy wraps props in a
 * proxy that throws UnknownValueError on reading one: the whole stack policy then becomes a single
 * "can't run during preview" advisory. Rules read plain props instead, where an unknown value is
 * {@link UNKNOWN}, and decide from what is known (names, literal inputs, references, providers).
 * Sentinels: @pulumi/policy proxy.ts (github.com/pulumi/pulumi-policy, sdk/nodejs/policy/proxy.ts);
 * the offline runner passes props without the proxy, so they arrive as these strings there.
 */
const SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (the engine's computed value on the wire)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

class Unknown {
  toString() {
    return "(known after deploy)";
  }
}

/** A value only `pulumi up` knows. Not a string, record or list to the readers in support.ts. */
export const UNKNOWN: unknown = Object.freeze(new Unknown());

export const isUnknown = (value: unknown): boolean => value === UNKNOWN;

/**
 * A property of props, plain or behind the proxy. The proxy traps `get` only, so an own data
 * property's descriptor comes from the wrapped object itself (a Proxy without the
 * getOwnPropertyDescriptor trap forwards it: ECMAScript, Proxy [[GetOwnProperty]]): its raw value,
 * an unknown as its sentinel string, which {@link plain} makes {@link UNKNOWN}. Read through `get`,
 * each unknown threw an UnknownValueError (an Error, so a stack trace) and every other value came
 * wrapped in a new proxy: seconds of the pack's CPU per preview of this repository's stacks.
 * Anything else (an accessor, an inherited member) is read through the proxy as before; a value it
 * refuses as unknown is {@link UNKNOWN}.
 */
function read(from: object, key: string | number): unknown {
  const own = Object.getOwnPropertyDescriptor(from, key);
  if (own && "value" in own) return own.value;
  try {
    return (from as Record<string | number, unknown>)[key];
  } catch (error) {
    if (error instanceof UnknownValueError) return UNKNOWN;
    throw error;
  }
}

function plain(value: unknown): unknown {
  if (typeof value === "string") return SENTINELS.has(value) ? UNKNOWN : value;
  if (Array.isArray(value))
    return Array.from({ length: value.length }, (_, i) => plain(read(value, i)));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.keys(value).map((k) => [k, plain(read(value, k))]));
  }
  return value;
}

/** Props as plain values, unknowns as {@link UNKNOWN}: read through the proxy, or given plain. */
export function plainProps(props: Record<string, unknown>): Record<string, unknown> {
  return plain(props) as Record<string, unknown>;
}

/** URNs each top-level input was computed from, as the engine sends them to stack policies. */
export function refKeys(resource: PolicyResource): Record<string, string[]> {
  const refs: Record<string, string[]> = {};
  for (const [key, resources] of Object.entries(resource.propertyDependencies ?? {})) {
    refs[key] = resources.map((r) => r.urn);
  }
  return refs;
}

/**
 * What a rule cannot decide before deploy. CrossGuard turns an UnknownValueError into one
 * advisory "can't run ... during preview: <message>" after the violations already reported, so a
 * rule reports every decided violation first and then raises this once, naming what waits for `up`.
 */
export class UndecidedAtPreview extends UnknownValueError {
  constructor(public readonly items: string[]) {
    super("04da6b54-80e4-46f7-96ec-b56ff0331ba9", []);
    this.message = `decided at pulumi up, when these values are known: ${items.join("; ")}`;
    this.name = "UndecidedAtPreview";
  }
}

/** Collects what waits for `up`; `settle` raises it once at the end of a rule's run. */
export class Undecided {
  private readonly items: string[] = [];
  add(what: string): void {
    this.items.push(what);
  }
  settle(): void {
    if (this.items.length > 0) throw new UndecidedAtPreview(this.items);
  }
}
