/**
 * What the pack knows about a resource type: whether losing its region loses data, and how a
 * surviving copy is shown. Every type of the installed @pulumi/aws has exactly one class
 * (installedTypes.json, checked against the package by tests/policies/classification.test.ts).
 */
export type TypeClass =
  /** Rebuilt from the program in any region; holds nothing the program does not say. */
  | { kind: "configuration"; note?: string }
  /**
   * Holds data that AWS replicates across regions when configured. `proof` names the resource or
   * property that shows it; `rule` the pack rule that checks it. Without a rule the type is
   * refused: nobody has taught the pack to see its replication.
   */
  | { kind: "replicated"; proof: string; rule?: string }
  /**
   * Holds data per region that AWS does not copy (queues, streams, logs, per-region keys): the
   * standby needs its own counterpart, matched as `match` says (rule stateful-peer-in-dr-region).
   */
  | { kind: "peered"; match: string }
  /** Deploys what the pack cannot see (a template, a dynamic provider): refused unless exempted. */
  | { kind: "opaque"; note: string }
  /** Grants access (identity, resource, trust, IoT policies, API authorization); `judge` says how. */
  | { kind: "security"; judge: string };

export type ClassKind = TypeClass["kind"];

export const configuration = (note?: string): TypeClass => ({ kind: "configuration", note });
export const replicated = (proof: string, rule?: string): TypeClass => ({
  kind: "replicated",
  proof,
  rule,
});
export const opaque = (note: string): TypeClass => ({ kind: "opaque", note });
export const security = (judge: string): TypeClass => ({ kind: "security", judge });

/** How peers are matched: the same type in the other DR region under the same name. */
export const PEER_MATCH =
  "same type in the other DR region, same logical name once region names and the words primary/secondary are left out";
export const peered = (): TypeClass => ({ kind: "peered", match: PEER_MATCH });

/** Documents read by the policy simulator (policies/rules/iamSimulated.ts). */
export const SIMULATED = "policy documents evaluated by the IAM simulator (iam-policy-* rules)";
export const simulated = () => security(SIMULATED);
