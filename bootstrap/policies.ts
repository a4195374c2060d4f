import { partitionOf } from "../core/arn";
import { BOUNDARY_POLICY, ROLES } from "./names";

/** One IAM statement as the policy JSON spells it. */
export interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Where a policy applies: the account and its partition. */
export interface Scope {
  account: string;
  region: string;
}

const arn = (scope: Scope, resource: string) =>
  `arn:${partitionOf(scope.region)}:iam::${scope.account}:${resource}`;

/** The account's permission boundary policy. */
export const boundaryArn = (scope: Scope) => arn(scope, `policy/${BOUNDARY_POLICY}`);

/** The bootstrap's own roles in an account, which nothing the pipeline runs may change. */
const bootstrapRoles = (scope: Scope) => Object.values(ROLES).map((r) => arn(scope, `role/${r}`));

/**
 * IAM role actions the deploy role needs for the program's roles, from the IAM reference: those
 * that accept `iam:PermissionsBoundary` are allowed only with the account's boundary, the rest on
 * the account's roles. Left out: removing a boundary and service-linked roles (no planned type).
 */
export interface RoleActions {
  /** Actions whose requests carry iam:PermissionsBoundary (CreateRole, PutRolePolicy, ...). */
  bounded: string[];
  /** The other actions on roles (GetRole, DeleteRole, PassRole, TagRole, ...). */
  other: string[];
}

/**
 * Statements that let a principal manage the program's roles and nothing else of IAM: every role
 * it creates or changes carries the boundary, and neither the boundary nor the bootstrap's roles
 * can be changed (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html,
 * "Delegating responsibility to others using permissions boundaries").
 */
export function roleManagement(scope: Scope, roles: RoleActions): Statement[] {
  const roleArns = [arn(scope, "role/*")];
  return [
    {
      Sid: "RolesOnlyWithTheBoundary",
      Effect: "Allow",
      Action: roles.bounded,
      Resource: roleArns,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn(scope) } },
    },
    { Sid: "ManageTheProgramsRoles", Effect: "Allow", Action: roles.other, Resource: roleArns },
    {
      Sid: "KeepTheBoundaryOnRoles",
      Effect: "Deny",
      Action: ["iam:DeleteRolePermissionsBoundary"],
      Resource: roleArns,
    },
    {
      Sid: "KeepTheBoundaryAsItIs",
      Effect: "Deny",
      Action: [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
      ],
      Resource: [boundaryArn(scope)],
    },
    {
      Sid: "LeaveTheBootstrapsRolesAlone",
      Effect: "Deny",
      Action: [...roles.bounded, ...roles.other].filter((a) => a !== "iam:GetRole"),
      Resource: bootstrapRoles(scope),
    },
  ];
}

/** `service:*` for each service but IAM (which {@link roleManagement} covers). */
export function servicesStatement(sid: string, services: string[]): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: services.filter((s) => s !== "iam").map((s) => `${s}:*`),
    Resource: ["*"],
  };
}

/** A policy document of statements. */
export const documentOf = (statements: Statement[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
