import {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { COMMON_PROPERTIES, REGIONAL_PROPERTIES, RegionalRuleConfig } from "../config";
import { UNKNOWN, plainProps, refKeys } from "./preview";

/** A resource as the relation checks see it: one stack's or, in the offline plan, every stack's. */
export interface Subject {
  urn: string;
  type: string;
  name: string;
  /** State (inputs plus computed outputs). */
  props: Record<string, unknown>;
  /** Its region when known: its own `region` input, else its provider's. */
  region?: string;
  /**
   * URNs each top-level input was computed from (`propertyDependencies`): at preview an id or ARN
   * of a new resource is unknown, but which resource it comes from is known.
   */
  refs?: Record<string, string[]>;
  /** The account its provider is pinned to, when it says. */
  account?: string;
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
  value && typeof value === "object" && !Array.isArray(value) && value !== UNKNOWN
    ? (value as Props)
    : {};

export const asList = (value: unknown): unknown[] =>
  value === undefined || value === null || value === UNKNOWN
    ? []
    : Array.isArray(value)
      ? value
      : [value];

export const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** Set to something: a known non-empty value, or one only `up` will know (a reference). */
export const isSet = (value: unknown): boolean =>
  value === UNKNOWN || (value !== undefined && value !== null && value !== "");

/**
 * The first character JSON text can start with (RFC 8259: optional whitespace, then an object,
 * array, string, number, true, false or null). Anything else, such as a plain region name, would
 * only make JSON.parse throw, and a throw costs ~6 us (a stack trace): rules read a provider's
 * region for every resource, so that was seconds per stack under the Pulumi CLI.
 */
const MAY_BE_JSON = /^[ \t\n\r]*[[{"\-0-9tfn]/;

/** Provider inputs may arrive JSON-encoded (as a provider plugin receives them). */
export function decoded(value: unknown): unknown {
  if (typeof value !== "string" || !MAY_BE_JSON.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * A resource's region: its own `region` argument (aws v7), else its provider's. In a preview a
 * region the program did not set is an unknown output (the provider's region, once created);
 * reading it through CrossGuard's proxy would abort the whole rule, so callers pass plain props
 * ({@link plainProps}), where it is {@link UNKNOWN} and the provider's region is taken instead.
 */
export function regionOf(props: Props, provider?: { props: Props }): string | undefined {
  return asString(props.region) ?? asString(decoded(provider?.props.region));
}

/** The account a provider acts in: its single allowed account, else its deploy role's account. */
export function accountOf(providerProps: Props): string | undefined {
  const allowed = asList(decoded(providerProps.allowedAccountIds)).map(String);
  if (allowed.length === 1) return allowed[0];
  const role = asString(asRecord(asList(decoded(providerProps.assumeRoles))[0]).roleArn);
  return role ? /^arn:[^:]+:iam::(\d{12}):/.exec(role)?.[1] : undefined;
}

/** The resource a resource rule validates, as a {@link Subject} (no references: those are stack-only). */
export function resourceSubject(args: ResourceValidationArgs): Subject {
  const props = plainProps(args.props);
  const provider = args.provider ? { props: plainProps(args.provider.props) } : undefined;
  return {
    urn: args.urn,
    type: args.type,
    name: args.name,
    props,
    region: regionOf(props, provider),
    account: provider ? accountOf(provider.props) : undefined,
  };
}

/** A policy resource as a {@link Subject}: plain props, unknowns as {@link UNKNOWN}, its references. */
export function subjectOf(resource: PolicyResource): Subject {
  const props = plainProps(resource.props);
  const provider = resource.provider ? { props: plainProps(resource.provider.props) } : undefined;
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props,
    region: regionOf(props, provider),
    refs: refKeys(resource),
    account: provider ? accountOf(provider.props) : undefined,
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

/** One IAM statement, normalised: lists everywhere, negations flagged, principal as given. */
export interface IamStatement {
  sid?: string;
  effect: string;
  principal: unknown;
  /** NotPrincipal: every principal except these. */
  notPrincipal: boolean;
  actions: string[];
  notActions: boolean;
  resources: string[];
  notResources: boolean;
  condition: Props;
}

/**
 * Statements of a policy document given as a JSON string or an object (aws v7 takes both, and a
 * getPolicyDocument result's `json` is a string); [] if unparsable. Keys are matched
 * case-insensitively, as IAM's parser does.
 */
export function statementsOf(document: unknown): IamStatement[] {
  let doc = document;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  const field = (o: Props, key: string) =>
    o[Object.keys(o).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key];
  return asList(field(asRecord(doc), "Statement")).map((raw) => {
    const s = asRecord(raw);
    const notActions = field(s, "NotAction") !== undefined;
    const notResources = field(s, "NotResource") !== undefined;
    const notPrincipal = field(s, "NotPrincipal") !== undefined;
    return {
      sid: asString(field(s, "Sid")),
      effect: asString(field(s, "Effect")) ?? "Allow",
      principal: notPrincipal ? field(s, "NotPrincipal") : field(s, "Principal"),
      notPrincipal,
      actions: asList(notActions ? field(s, "NotAction") : field(s, "Action")).map(String),
      notActions,
      resources: asList(notResources ? field(s, "NotResource") : field(s, "Resource")).map(String),
      notResources,
      condition: asRecord(field(s, "Condition")),
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
  const ids = ["id", "name", "arn", "bucket", "url"]
    .map((k) => asString(subject.props[k]))
    .filter((v): v is string => Boolean(v));
  const arn = asString(subject.props.arn);
  if (arn) ids.push(arn.split(/[/:]/).pop() ?? "");
  return ids.filter(Boolean);
}

/** Whether `ref` (a name, ARN or id) points at `subject`. */
export const pointsAt = (ref: unknown, subject: Subject): boolean =>
  typeof ref === "string" && ref !== "" && idsOf(subject).includes(ref);

/**
 * Whether input `key` of `from` refers to `target`: its known value names it, or (at preview, where
 * ids and ARNs of new resources are unknown) the engine records it was computed from `target`.
 * `value` narrows to one nested field of the input (e.g. a rule's destination bucket).
 */
export function refersTo(
  from: Subject,
  key: string,
  target: Subject,
  value: unknown = from.props[key],
): boolean {
  if (pointsAt(value, target)) return true;
  if (value !== UNKNOWN && value !== undefined && typeof value === "string") return false;
  return (from.refs?.[key] ?? []).includes(target.urn);
}

/** The subjects of `types` that input `key` of `from` refers to. */
export const referencedBy = (
  from: Subject,
  key: string,
  subjects: Subject[],
  types: string[],
  value: unknown = from.props[key],
): Subject[] => subjects.filter((s) => types.includes(s.type) && refersTo(from, key, s, value));

export const asNumber = (value: unknown): number | undefined => {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
