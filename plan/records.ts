import * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "./plannedResource";
import type { OfflineMocks } from "./mocks";
import { isGlobalType } from "./mocks/placement";
import type { Answer, Construction, Registrations } from "./registrations";
import { plainValue, revealValue } from "./serialized";
import { withDeclaredUnknowns } from "./transforms";

const AWS_PROVIDER = "pulumi:providers:aws";

/** Serialized inputs and state of one answered registration, as the engine would receive them. */
interface Wire {
  answer: Answer;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

/**
 * The plan's record of every registration the mocks answered, in the order they were answered.
 * Inputs are serialized as the SDK serializes them for the engine (`serializeResourceProperties`,
 * which also names the resources each input comes from), state as the mock monitor serializes
 * the mocks' answer.
 */
export async function recordsOf(
  registrations: Registrations,
  mocks: OfflineMocks,
  rootUrn: string,
  mockUrns: Map<string, string | undefined>,
): Promise<PlannedResource[]> {
  const wires = await Promise.all(
    registrations.answers.map(async (answer): Promise<Wire> => {
      const { construction } = answer;
      const label = `${construction.name}[${construction.type}]`;
      const [declared, byProperty] = await pulumi.runtime.serializeResourceProperties(
        label,
        construction.props,
      );
      // What the engine deploys: the inputs after transforms, else as the monitor received them
      // (plan/transforms.ts). The resources the declared inputs came from stay its dependencies:
      // the engine keeps those an unchanged input carries; a transform that drops one is rare and
      // only orders the deploy.
      const inputs =
        answer.transformedInputs ??
        withDeclaredUnknowns(
          declared,
          await pulumi.runtime.serializeProperties(label, answer.args.inputs as pulumi.Inputs),
        );
      const fromInputs = [...byProperty.values()].flatMap((resources) => [...resources]);
      return {
        answer,
        inputs: withEngineUrns(inputs, mockUrns) as Record<string, unknown>,
        state: withEngineUrns(answer.state, mockUrns) as Record<string, unknown>,
        dependencies: await registrations.dependenciesOf(construction, fromInputs),
        propertyDependencies: registrations.propertyDependenciesOf(construction, byProperty),
      };
    }),
  );

  // Provider id (unique per run) to the provider's URN; a provider registers before its resources.
  const providerUrns = new Map<string, string>();
  const providerIds = new Map<Construction, string>();
  const byUrn = new Map<string, PlannedResource>();
  return wires.map(({ answer, inputs: rawInputs, state: rawState, ...dependsOn }) => {
    const { construction, args, result } = answer;
    const { type, name } = construction;
    const urn = registrations.urnOf(construction);
    const parentConstruction = registrations.constructionOf(construction.parent);
    const parent = parentConstruction ? registrations.urnOf(parentConstruction) : rootUrn;
    const isProvider = type.startsWith("pulumi:providers:");
    if (isProvider) {
      providerUrns.set(result.id ?? "", urn);
      providerIds.set(construction, result.id ?? "");
    }
    // A provider is placed by its own inputs; a resource by its provider; a component by the
    // providers it was given, else by its parent.
    const providerRef = isProvider
      ? `${urn}::${result.id ?? ""}`
      : args.custom
        ? engineProviderRef(args.provider, providerUrns)
        : componentProviderRef(construction, registrations, providerIds);
    const where =
      providerRef || type.startsWith("aws:")
        ? mocks.placementOf(providerRef, isProvider ? undefined : rawInputs.region)
        : undefined;
    const parentRecord = byUrn.get(parent);
    const record: PlannedResource = {
      urn,
      type,
      name,
      account: where?.account ?? parentRecord?.account ?? null,
      region: where
        ? isGlobalType(type)
          ? "global"
          : where.region
        : (parentRecord?.region ?? null),
      parent,
      inputs: plainValue(rawInputs, isProvider) as Record<string, unknown>,
      state: withSecretOutputs(
        plainValue(rawState, isProvider) as Record<string, unknown>,
        (construction.opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [],
      ),
      revealedInputs: revealValue(rawInputs) as Record<string, unknown>,
      revealedState: revealValue(rawState) as Record<string, unknown>,
      custom: args.custom === true,
      provider: providerRef && !isProvider ? providerRef.split("::").slice(0, -1).join("::") : null,
      ...dependsOn,
    };
    if (args.custom === true) {
      const opts = construction.opts as pulumi.CustomResourceOptions;
      // Protect comes from the parent when unset (the SDK's Resource constructor does the same).
      let protect = opts.protect;
      for (let p = construction.parent; protect === undefined && p;) {
        const up = registrations.constructionOf(p);
        protect = up?.opts?.protect;
        p = up?.parent;
      }
      record.lifecycle = {
        protect: protect === true,
        retainOnDelete: opts.retainOnDelete === true,
      };
    }
    byUrn.set(urn, record);
    return record;
  });
}

/** The mocks' provider reference (`<mock monitor's URN>::<id>`) with the provider's engine URN. */
function engineProviderRef(ref: string | undefined, providerUrns: Map<string, string>): string {
  if (!ref) return "";
  const id = ref.split("::").pop() ?? "";
  return `${providerUrns.get(id) ?? ref.split("::").slice(0, -1).join("::")}::${id}`;
}

/**
 * The AWS provider a component was given (`providers`, or `provider` for its children), as the
 * SDK sends it in the component's providers map; "" when it was given none.
 */
function componentProviderRef(
  construction: Construction,
  registrations: Registrations,
  providerIds: Map<Construction, string>,
): string {
  const { providers, provider } = construction.opts as pulumi.ComponentResourceOptions;
  const given = [
    ...(Array.isArray(providers) ? providers : Object.values(providers ?? {})),
    ...(provider ? [provider] : []),
  ];
  const aws = given
    .map((p) => registrations.constructionOf(p))
    .filter((c): c is Construction => c?.type === AWS_PROVIDER)
    .pop();
  return aws ? `${registrations.urnOf(aws)}::${providerIds.get(aws) ?? ""}` : "";
}

/** Resource references with the engine's URN in place of the mock monitor's. */
function withEngineUrns(value: unknown, mockUrns: Map<string, string | undefined>): unknown {
  if (Array.isArray(value)) return value.map((v) => withEngineUrns(v, mockUrns));
  if (!value || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (
    record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialResourceSig &&
    typeof record.urn === "string" &&
    mockUrns.has(record.urn)
  ) {
    const urn = mockUrns.get(record.urn);
    if (!urn) {
      throw new Error(
        `a resource reference to ${record.urn} is ambiguous: the mock monitor gave that URN to two resources`,
      );
    }
    return { ...record, urn };
  }
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, withEngineUrns(v, mockUrns)]),
  );
}

/** The state as the engine would keep it: outputs the resource marks secret shown as "[secret]". */
function withSecretOutputs(
  state: Record<string, unknown>,
  secretOutputs: string[],
): Record<string, unknown> {
  const shown = { ...state };
  for (const key of secretOutputs) if (key in shown) shown[key] = "[secret]";
  return shown;
}
