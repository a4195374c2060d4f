import { isDeepStrictEqual } from "util";
import * as pulumi from "@pulumi/pulumi";

/**
 * Resource transforms (the `transforms` option and `pulumi.runtime.registerResourceTransform`) as
 * the engine runs them: the SDK sends them with each registration and the engine calls them
 * before it does anything else with the resource; the mock monitor only hands them over
 * (`MockResourceArgs.transforms`, `Mocks.registerTransform`), so the offline engine runs them
 * itself. Order, from pulumi/pulumi pkg/resource/deploy/source_eval.go RegisterResource (commit
 * 1b5949891b3cefcb9974752b24a5ecef0acc86c8): the resource's own transforms, then each ancestor's
 * own, nearest first, then the stack's in the order they were registered; each one gets the
 * props and options the one before it returned, and `undefined` leaves them as they were.
 * https://www.pulumi.com/docs/iac/concepts/options/transforms/
 */
export interface TransformInput {
  type: string;
  name: string;
  custom: boolean;
  /** Inputs serialized, unknowns kept (the engine hands them to transforms as unknown outputs). */
  props: Record<string, unknown>;
  /** The provider reference the registration carries (`<urn>::<id>`), if any. */
  provider?: string;
  parent?: pulumi.Resource;
}

export interface TransformOutput {
  /** What the last transform returned, serialized. */
  props: Record<string, unknown>;
  provider?: string;
}

/** Runs `transforms` in order; undefined when there are none, so nothing is re-serialized. */
export async function runTransforms(
  transforms: pulumi.ResourceTransform[],
  input: TransformInput,
): Promise<TransformOutput | undefined> {
  if (transforms.length === 0) return undefined;
  let props = input.props;
  let provider = input.provider;
  for (const transform of transforms) {
    // What the SDK's callback builds from the engine's request (runtime/callbacks.js): the provider
    // and parent as references to resources it does not hold.
    const opts: pulumi.CustomResourceOptions = {
      parent: input.parent,
      provider: provider ? new pulumi.DependencyProviderResource(provider) : undefined,
    };
    const result = await transform({
      type: input.type,
      name: input.name,
      custom: input.custom,
      props: pulumi.runtime.deserializeProperty(props, true) as pulumi.Inputs,
      opts,
    });
    if (!result) continue;
    // The SDK's callback serializes what the transform returned (runtime/callbacks.js).
    props = await pulumi.runtime.serializeProperties(`${input.name}.transform`, result.props);
    const given = (result.opts as pulumi.CustomResourceOptions | undefined)?.provider;
    if (input.custom && given && given !== opts.provider) {
      provider = await pulumi.ProviderResource.register(given);
    }
  }
  return { props, provider };
}

/**
 * The inputs the monitor received (`wire`, serialized again), with each top-level input that was
 * unknown when declared (`declared`, at preview) put back: the mock monitor drops unknowns when it
 * deserializes a registration, the engine keeps them. The wire is what counts otherwise: an older
 * stack transformation the program registered after the plan's own may have changed it.
 */
export function withDeclaredUnknowns(
  declared: Record<string, unknown>,
  wire: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(declared)) {
    // The declared value where it says the same (its key order is the program's, not the wire's).
    if (hasUnknown(value) || isDeepStrictEqual(value, wire[key])) merged[key] = value;
    else if (key in wire) merged[key] = wire[key];
  }
  for (const [key, value] of Object.entries(wire)) if (!(key in merged)) merged[key] = value;
  return merged;
}

function hasUnknown(value: unknown): boolean {
  if (value === pulumi.runtime.unknownValue) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  return Boolean(value && typeof value === "object" && Object.values(value).some(hasUnknown));
}
