import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";

/**
 * AWS's policy evaluation as @cloud-copilot/iam-simulate implements it (condition operators,
 * ForAllValues / ForAnyValue over absent keys, IfExists, wildcards in values, policy variables),
 * asked one request at a time. The unsafe entry skips the package's validation of context keys
 * against the IAM reference, which would drop keys it does not list (an OIDC provider's `:sub`,
 * IoT's `iot:Connection.Thing.ThingName`) and so judge a different request than the one asked.
 */
export interface Question {
  principal: string;
  action: string;
  resource: string;
  /** The account that owns the resource. */
  resourceAccount: string;
  context: Record<string, string | string[]>;
  identityPolicies: unknown[];
  resourcePolicy?: unknown;
}

/** The shape the engine reads a loaded policy from (its own validated form). */
const validated = (document: unknown, name: string) => ({
  __validated: true,
  policyDocument: document,
  metadata: { name },
  errors: [],
});

/** Whether AWS would allow the request; a document the engine cannot load allows nothing. */
export function isAllowed(question: Question): boolean {
  try {
    const result = runUnsafeSimulation(
      {
        request: {
          principal: question.principal,
          action: question.action,
          resource: { resource: question.resource, accountId: question.resourceAccount },
          contextVariables: question.context,
        },
        identityPolicies: question.identityPolicies.map((policy, i) => ({
          name: `identity ${i}`,
          policy: validated(policy, `identity ${i}`),
        })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: question.resourcePolicy
          ? validated(question.resourcePolicy, "resource policy")
          : undefined,
      },
      {},
    );
    return result === "Allowed";
  } catch {
    return false;
  }
}
