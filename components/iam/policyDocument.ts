import * as pulumi from "@pulumi/pulumi";

/** IAM condition operators to keys to values, e.g. `{ StringEquals: { "sts:ExternalId": id } }`. */
export type Conditions = Record<string, Record<string, pulumi.Input<string | string[] | boolean>>>;

/** One statement of an identity, trust or resource policy. */
export interface Statement {
  sid?: string;
  effect?: "Allow" | "Deny";
  actions: string[];
  /** Omitted only in trust policies, where the role itself is the resource. */
  resources?: pulumi.Input<string>[];
  /** `{ Service: [...] }`, `{ AWS: [...] }` or `{ Federated: [...] }`; never "*". */
  principals?: Record<string, pulumi.Input<string>[]>;
  conditions?: Conditions;
}

/**
 * Renders statements as a policy JSON string. Refuses the two shapes the project forbids
 * (`*` action on `*` resource, and `Principal: "*"` without a condition) where they are written,
 * not only later in the policy pack.
 */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
  for (const [index, statement] of statements.entries()) {
    const where = statement.sid ?? `statement ${index}`;
    const allowsAll = statement.actions.some((action) => action === "*" || action === "*:*");
    const onAll = statement.resources?.some((resource) => resource === "*");
    if ((statement.effect ?? "Allow") === "Allow" && allowsAll && onAll) {
      throw new Error(`${where}: a "*" action on a "*" resource is not allowed; name the actions`);
    }
    for (const values of Object.values(statement.principals ?? {})) {
      if (values.some((value) => value === "*") && !statement.conditions) {
        throw new Error(`${where}: a "*" principal needs a condition that narrows it`);
      }
    }
  }
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.principals ? { Principal: s.principals } : {}),
      Action: s.actions,
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}
