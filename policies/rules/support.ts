import {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { COMMON_PROPERTIES, REGIONAL_PROPERTIES, RegionalRuleConfig } from "../config";

/** A resource as the relation checks see it: one stack's or, in the offline plan, every stack's. */
export interface Subject {
  urn: string;
  type: string;
  name: string;
  /** State (inputs plus computed outputs). */
  props: Record<string, unknown>;
  /** Its region when known: its own `region` input, else its provider's. */
  region?: string;
}

/** A violation a relation check found; `missing` ones may be left to the cross-stack check. */
export interface Finding {
  urn: string;
  message: string;
  /** The counterpart is absent (it may live in the other stack), rather than wrong. */
  missing: boolean;
}

/** A rule relating resources; the per-stack policy and the cross-stack check share `check`. */
export interface RelationRule {
  policy: StackValidationPolicy;
  check: (subjects: Subject[], config: RegionalRuleConfig) => Finding[];
}

export type Props = Record<string, unknown>;

export const asRecord = (value: unknown): Props =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Props) : {};

export const asList = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

export const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** Provider inputs may arrive JSON-encoded (as a provider plugin receives them). */
function decoded(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The engine's unknown value: an output a preview cannot know yet (sdk/nodejs/runtime/rpc.ts). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * A resource's region: its own `region` argument (aws v7), else its provider's. In a preview a
 * region the program did not set is an unknown output (the provider's region, once created);
 * reading it through CrossGuard's proxy would abort the whole rule, so it is read around it.
 */
export function regionOf(props: Props, provider?: { props: Props }): string | undefined {
  const own: unknown = Object.getOwnPropertyDescriptor(props, "region")?.value;
  return (own === UNKNOWN ? undefined : asString(own)) ?? asString(decoded(provider?.props.region));
}

/** A policy resource as a {@link Subject}. */
export function subjectOf(resource: PolicyResource): Subject {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: resource.props,
    region: regionOf(resource.props, resource.provider),
  };
}

export const ofType = (subjects: Subject[], type: string) =>
  subjects.filter((s) => s.type === type);

/** A readable handle for messages: the logical name plus the physical one when they differ. */
export function label(subject: { name: string; props: Props }, key = "name"): string {
  const physical = asString(subject.props[key]);
  return physical && physical !== subject.name ? `${subject.name} (${physical})` : subject.name;
}

/** Builds the per-stack policy of a relation rule: reports what is wrong, defers what is missing. */
export function relationPolicy(
  base: Omit<StackValidationPolicy, "validateStack" | "configSchema">,
  check: RelationRule["check"],
): RelationRule {
  const policy: StackValidationPolicy = {
    ...base,
    configSchema: { properties: { ...REGIONAL_PROPERTIES } },
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const config = args.getConfig<RegionalRuleConfig>();
      // With the peer's resources in the config nothing is left unseen: judge both stacks here,
      // and report only this stack's findings (the peer's own preview reports its own).
      const peers = config.peerResources;
      const defer = !peers && (config.deferToCrossStack ?? true);
      const own = args.resources.map(subjectOf);
      const ownUrns = new Set(own.map((s) => s.urn));
      for (const finding of check([...own, ...(peers ?? [])], config)) {
        if (!ownUrns.has(finding.urn) || (finding.missing && defer)) continue;
        report(finding.message, finding.urn);
      }
    },
  };
  return { policy, check };
}

/** Schema of rules that only take exemptions. */
export const commonSchema = () => ({ properties: { ...COMMON_PROPERTIES } });

/** One IAM statement, normalised: lists everywhere, principal as given. */
export interface IamStatement {
  sid?: string;
  effect: string;
  principal: unknown;
  actions: string[];
  notActions: boolean;
  resources: string[];
  condition: Props;
}

/** Statements of a policy document given as a JSON string or an object; [] if unparsable. */
export function statementsOf(document: unknown): IamStatement[] {
  let doc = document;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  return asList(asRecord(doc).Statement).map((raw) => {
    const s = asRecord(raw);
    return {
      sid: asString(s.Sid),
      effect: asString(s.Effect) ?? "Allow",
      principal: s.Principal,
      actions: asList(s.Action ?? s.NotAction).map(String),
      notActions: s.NotAction !== undefined,
      resources: asList(s.Resource ?? s.NotResource).map(String),
      condition: asRecord(s.Condition),
    };
  });
}

/** Condition keys of a statement, lower-cased (IAM condition keys are case-insensitive). */
export function conditionKeys(statement: IamStatement): string[] {
  return Object.values(statement.condition).flatMap((block) =>
    Object.keys(asRecord(block)).map((k) => k.toLowerCase()),
  );
}

/** Principal values of a statement per kind ("AWS", "Service", ...); "*" as { "*": ["*"] }. */
export function principalsOf(statement: IamStatement): Record<string, string[]> {
  if (statement.principal === "*") return { "*": ["*"] };
  const out: Record<string, string[]> = {};
  for (const [kind, values] of Object.entries(asRecord(statement.principal))) {
    out[kind] = asList(values).map(String);
  }
  return out;
}

/** Where a reference may point: a provider id is often the ARN's last segment (API, health check). */
export function idsOf(subject: Subject): string[] {
  const ids = ["id", "name", "arn", "bucket"]
    .map((k) => asString(subject.props[k]))
    .filter((v): v is string => Boolean(v));
  const arn = asString(subject.props.arn);
  if (arn) ids.push(arn.split(/[/:]/).pop() ?? "");
  return ids.filter(Boolean);
}

/** Whether `ref` (a name, ARN or id) points at `subject`. */
export const pointsAt = (ref: unknown, subject: Subject): boolean =>
  typeof ref === "string" && ref !== "" && idsOf(subject).includes(ref);

export const asNumber = (value: unknown): number | undefined => {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
