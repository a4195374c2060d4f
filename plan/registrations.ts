import { AsyncLocalStorage } from "async_hooks";
import * as pulumi from "@pulumi/pulumi";
import { TransformOutput, runTransforms, withDeclaredUnknowns } from "./transforms";

/**
 * What the offline engine learns of each resource through Pulumi's public API: the SDK's own
 * stack transformation sees it constructed (type, name, inputs, options, parent), the mocks see it
 * registered (provider, the answer). Nothing here reaches into the SDK's internals.
 */

const STACK_TYPE = pulumi.runtime.rootPulumiStackTypeName;

/** One resource the program constructed, as the stack transformation saw it. */
export interface Construction {
  type: string;
  name: string;
  resource: pulumi.Resource;
  /** Inputs as the SDK registers them (the transformation's `props`). */
  props: pulumi.Inputs;
  opts: pulumi.ResourceOptions;
  /** Undefined for a resource of the root stack. */
  parent?: pulumi.Resource;
}

/** One registration or read the mocks answered, with the construction it belongs to. */
export interface Answer {
  construction: Construction;
  args: pulumi.runtime.MockResourceArgs;
  result: pulumi.runtime.MockResourceResult;
  /** The answer's state serialized, as the SDK receives it. */
  state: Record<string, unknown>;
  /** The inputs serialized after transforms ran (unknowns kept); unset when none ran. */
  transformedInputs?: Record<string, unknown>;
}

/** Watches one stack's program: what it constructs and what the mocks answer for it. */
export class Registrations {
  readonly constructed: Construction[] = [];
  readonly answers: Answer[] = [];
  /** Registrations the mocks answered that no construction accounts for (a bug of this engine). */
  readonly unmatched: string[] = [];
  private readonly byResource = new Map<pulumi.Resource, Construction>();
  private readonly children = new Map<pulumi.Resource, pulumi.Resource[]>();
  private readonly urns = new Map<Construction, string>();
  /**
   * Set when two constructions share a type and a name (their URNs then differ by their parents'
   * types, which the mocks are not told): a run that matched by name must be redone by context.
   */
  namesShared = false;
  // Which resource a registration belongs to. The mocks are told a registration's type and name,
  // not its parent: while no two constructions share both, those name it, in order.
  private readonly unregistered = new Map<string, Construction[]>();
  // Otherwise, by context: the SDK starts a registration from the resource's constructor, so the
  // async context the transformation enters there reaches the mocks' call. (Node's
  // AsyncLocalStorage, https://nodejs.org/api/async_context.html#asynclocalstorageenterwithstore)
  // Not always: on Node 22 it keeps the store on every promise made while it is on (async_hooks),
  // and the SDK makes hundreds per resource: measured on bench/planScale/program, 65 KB more heap
  // per resource (261 KB instead of 196 KB). The store is a box emptied when the plan ends:
  // enterWith leaves it on whatever async resource was running (the caller's too), which would
  // otherwise keep every resource of the run alive.
  private readonly constructing?: AsyncLocalStorage<{ construction?: Construction }>;
  private readonly boxes: { construction?: Construction }[] = [];
  /** `registerResourceTransform`s, in the order the program registered them. */
  private readonly stackTransforms: pulumi.ResourceTransform[] = [];

  /** `byContext`: match registrations to constructions by async context (see `namesShared`). */
  constructor(
    private readonly stack: string,
    private readonly project: string,
    byContext = false,
  ) {
    if (byContext) this.constructing = new AsyncLocalStorage();
  }

  /**
   * A stack transformation, not `registerResourceTransform`: the SDK calls it in each Resource's
   * constructor, before registration, for every resource under the stack (reads included). The
   * newer transforms are run by the engine, and the mock monitor does not run them
   * (Mocks.registerTransform in @pulumi/pulumi runtime/mocks.d.ts).
   */
  readonly transformation: pulumi.ResourceTransformation = ({
    resource,
    type,
    name,
    props,
    opts,
  }) => {
    // A resource rebuilt from a reference (opts.urn) is looked up, not registered.
    if (opts.urn) return undefined;
    const parent = opts.parent ?? pulumi.runtime.getStackResource();
    const construction: Construction = {
      type,
      name,
      resource,
      props,
      opts,
      parent: parent && parent !== pulumi.runtime.getStackResource() ? parent : undefined,
    };
    this.constructed.push(construction);
    this.byResource.set(resource, construction);
    if (construction.parent) {
      const siblings = this.children.get(construction.parent) ?? [];
      siblings.push(resource);
      this.children.set(construction.parent, siblings);
    }
    if (this.constructing) {
      const box = { construction };
      this.boxes.push(box);
      this.constructing.enterWith(box);
      return undefined;
    }
    const key = `${type}::${name}`;
    const same = this.unregistered.get(key);
    if (same) {
      this.namesShared = true;
      same.push(construction);
    } else this.unregistered.set(key, [construction]);
    return undefined;
  };

  /** The mocks with each answer recorded against the resource it was for. */
  recording(mocks: pulumi.runtime.Mocks): pulumi.runtime.Mocks {
    return {
      call: (args) => mocks.call(args),
      registerTransform: (transform) => {
        this.stackTransforms.push(transform);
      },
      newResource: async (given) => {
        const construction = this.constructionRegistering(given);
        const matched = construction?.type === given.type && construction.name === given.name;
        const transforms = matched ? this.transformsOf(construction, given) : [];
        // No await without transforms: registrations complete in the order they did before.
        const transformed =
          matched && transforms.length > 0
            ? await this.transformed(construction, given, transforms)
            : undefined;
        const args = transformed
          ? {
              ...given,
              // As the mock monitor gives inputs to the mocks: deserialized, unknowns dropped.
              inputs: pulumi.runtime.deserializeProperty(transformed.props) as pulumi.Inputs,
              provider: transformed.provider,
            }
          : given;
        const result = await mocks.newResource(args);
        if (args.type === STACK_TYPE) return result;
        if (matched) {
          // Serialized as the mock monitor serializes it for the SDK; recorded once that is done,
          // so resources are listed in the order their registrations complete.
          const state = await pulumi.runtime.serializeProperties(
            `${args.name}.state`,
            result.state,
          );
          this.answers.push({
            construction,
            args,
            result,
            state,
            transformedInputs: transformed?.props,
          });
        } else {
          this.unmatched.push(`${args.name} (${args.type})`);
        }
        return result;
      },
    };
  }

  /** The construction a registration the mocks were given belongs to. */
  private constructionRegistering(
    given: pulumi.runtime.MockResourceArgs,
  ): Construction | undefined {
    if (this.constructing) return this.constructing.getStore()?.construction;
    const key = `${given.type}::${given.name}`;
    const same = this.unregistered.get(key);
    // Not deleted when emptied: a later construction of that name would share it with this one.
    return same?.shift();
  }

  /** The engine's transforms of a registration, in the order it runs them (plan/transforms.ts). */
  private transformsOf(
    construction: Construction,
    args: pulumi.runtime.MockResourceArgs,
  ): pulumi.ResourceTransform[] {
    const transforms = [...(args.transforms ?? [])];
    for (
      let up = this.constructionOf(construction.parent);
      up;
      up = this.constructionOf(up.parent)
    ) {
      transforms.push(...(up.opts.transforms ?? []));
    }
    return [...transforms, ...this.stackTransforms];
  }

  /** The registration's inputs after its transforms ran as the engine runs them. */
  private async transformed(
    construction: Construction,
    args: pulumi.runtime.MockResourceArgs,
    transforms: pulumi.ResourceTransform[],
  ): Promise<TransformOutput | undefined> {
    const label = `${args.name}[${args.type}]`;
    const [declared, wire] = await Promise.all([
      pulumi.runtime.serializeProperties(label, construction.props),
      pulumi.runtime.serializeProperties(label, args.inputs as pulumi.Inputs),
    ]);
    return runTransforms(transforms, {
      type: args.type,
      name: args.name,
      custom: args.custom === true,
      props: withDeclaredUnknowns(declared, wire),
      provider: args.provider,
      parent: construction.parent,
    });
  }

  /** Stops tracking the async context: the next plan, or the test process, runs without it. */
  stop(): void {
    for (const box of this.boxes) delete box.construction;
    // The root stack keeps this transformation (this object) until the runtime drops the stack.
    this.constructed.length = 0;
    this.answers.length = 0;
    this.byResource.clear();
    this.children.clear();
    this.urns.clear();
    this.boxes.length = 0;
    this.unregistered.clear();
    this.stackTransforms.length = 0;
    this.constructing?.disable();
  }

  /**
   * Waits until every constructed resource's registration has answered or failed: its URN
   * settles then (the SDK fails a resource's outputs when its registration fails). Resources
   * constructed meanwhile, in an apply, are waited for in the next round. Returns the URN each
   * registered resource got from the mock monitor, to the engine's URN (undefined where two
   * resources got the same one).
   */
  async settled(): Promise<Map<string, string | undefined>> {
    const mockUrns = new Map<string, string | undefined>();
    for (let seen = 0; seen < this.constructed.length;) {
      const round = this.constructed.slice(seen);
      seen = this.constructed.length;
      const settled = await Promise.allSettled(
        round.map((c) => pulumi.runtime.serializeProperty(`${c.name}.urn`, c.resource.urn)),
      );
      settled.forEach((outcome, i) => {
        if (outcome.status !== "fulfilled" || typeof outcome.value !== "string") return;
        const urn = this.urnOf(round[i]);
        const known = mockUrns.get(outcome.value);
        mockUrns.set(outcome.value, mockUrns.has(outcome.value) && known !== urn ? undefined : urn);
      });
    }
    return mockUrns;
  }

  readonly rootUrn = (): string =>
    `urn:pulumi:${this.stack}::${this.project}::${STACK_TYPE}::${this.project}-${this.stack}`;

  /**
   * The URN the engine gives a resource: the whole chain of its parents' types, without the root
   * stack's (the mock monitor keeps only the parent's last type).
   */
  urnOf(construction: Construction): string {
    const known = this.urns.get(construction);
    if (known) return known;
    const parent = construction.parent && this.byResource.get(construction.parent);
    const qualifiedType = parent
      ? `${this.urnOf(parent).split("::")[2]}$${construction.type}`
      : construction.type;
    const urn = `urn:pulumi:${this.stack}::${this.project}::${qualifiedType}::${construction.name}`;
    this.urns.set(construction, urn);
    return urn;
  }

  constructionOf(resource: pulumi.Resource | undefined): Construction | undefined {
    return resource && this.byResource.get(resource);
  }

  /**
   * URNs of the custom resources a registration depends on, as the SDK sends them: its dependsOn
   * and the resources its inputs come from, a component standing for its custom descendants
   * (@pulumi/pulumi runtime/dependsOn.ts getAllTransitivelyReferencedResources).
   */
  async dependenciesOf(
    construction: Construction,
    fromInputs: Iterable<pulumi.Resource>,
  ): Promise<string[]> {
    const direct = [...(await explicitDependencies(construction.opts.dependsOn)), ...fromInputs];
    return this.customUrnsReached(construction, direct);
  }

  /**
   * Per input, the URNs of the custom resources it was computed from, as the SDK sends them in
   * RegisterResourceRequest.propertyDependencies (runtime/resource.ts prepareResource) and the
   * engine passes them on to AnalyzeStack (pkg/resource/plugin/analyzer_plugin.go, which skips
   * inputs without any).
   */
  propertyDependenciesOf(
    construction: Construction,
    byProperty: Map<string, Set<pulumi.Resource>>,
  ): Record<string, string[]> {
    const deps: Record<string, string[]> = {};
    for (const [property, resources] of byProperty) {
      const urns = this.customUrnsReached(construction, resources);
      if (urns.length > 0) deps[property] = urns;
    }
    return deps;
  }

  /** getAllTransitivelyReferencedResourceURNs: custom resources, a component standing for its descendants. */
  private customUrnsReached(
    construction: Construction,
    direct: Iterable<pulumi.Resource>,
  ): string[] {
    const reached = new Set<pulumi.Resource>();
    const walk = (resource: pulumi.Resource) => {
      if (reached.has(resource)) return;
      reached.add(resource);
      if (pulumi.ComponentResource.isInstance(resource) && resource !== construction.resource) {
        for (const child of this.children.get(resource) ?? []) walk(child);
      }
    };
    for (const resource of direct) walk(resource);
    const urns: string[] = [];
    for (const resource of reached) {
      const reachedConstruction = this.byResource.get(resource);
      if (
        reachedConstruction &&
        resource !== construction.resource &&
        pulumi.CustomResource.isInstance(resource)
      ) {
        urns.push(this.urnOf(reachedConstruction));
      }
    }
    return [...new Set(urns)];
  }
}

/** The resources `dependsOn` names, resolved as the SDK resolves it. */
async function explicitDependencies(dependsOn: unknown): Promise<pulumi.Resource[]> {
  if (!dependsOn) return [];
  if (Array.isArray(dependsOn)) {
    return (await Promise.all(dependsOn.map(explicitDependencies))).flat();
  }
  if (dependsOn instanceof Promise) return explicitDependencies(await dependsOn);
  if (pulumi.Output.isInstance(dependsOn)) {
    const output = dependsOn;
    // An unknown output never runs its apply (at preview); its serialization still settles.
    const value = await new Promise<unknown>((resolve) => {
      output.apply((v) => {
        resolve(v);
        return v;
      });
      const settled = () => setImmediate(() => resolve(undefined));
      pulumi.runtime.serializeProperty("dependsOn", output).then(settled, settled);
    });
    return explicitDependencies(value);
  }
  if (!pulumi.Resource.isInstance(dependsOn)) {
    throw new Error(`dependsOn: expected a Resource, got ${typeof dependsOn}`);
  }
  return [dependsOn];
}
