/**
 * One region's IoT registry as its APIs describe it (describe and list calls only), for comparing
 * two regions: ARNs stay as IoT returns them, and {@link relocate} moves a snapshot's IoT ARNs to
 * another region by parsing them, so "B equals A" also checks that B's ARNs are B's.
 */
import {
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  GetPolicyCommand,
  ListAttachedPoliciesCommand,
  ListCertificatesCommand,
  ListPoliciesCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  ListThingTypesCommand,
  ListThingsCommand,
} from "@aws-sdk/client-iot";
import {
  GetThingShadowCommand,
  ListNamedShadowsForThingCommand,
} from "@aws-sdk/client-iot-data-plane";
import { formatArn, parseArn, partitionOf } from "../../../infra/arn";
import type { Clients } from "./world";

export interface RegistrySnapshot {
  thingTypes: Record<
    string,
    { description: string | null; searchable: string[]; deprecated: boolean }
  >;
  thingGroups: Record<
    string,
    { parent: string | null; description: string | null; attributes: Record<string, string> }
  >;
  things: Record<
    string,
    {
      type: string | null;
      attributes: Record<string, string>;
      groups: string[];
      principals: string[];
      shadows: Record<string, unknown>;
    }
  >;
  certificates: Record<string, { status: string; pem: string; policies: string[] }>;
  policies: Record<string, { document: unknown }>;
}

const notFound = (error: unknown) => (error as Error).name === "ResourceNotFoundException";

async function shadowState(clients: Clients, thingName: string, shadowName?: string) {
  try {
    const out = await clients.data.send(new GetThingShadowCommand({ thingName, shadowName }));
    const doc = JSON.parse(new TextDecoder().decode(out.payload)) as {
      state?: { desired?: unknown; reported?: unknown };
    };
    return { desired: doc.state?.desired ?? null, reported: doc.state?.reported ?? null };
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

/** The registry of one region; names for which `skip` is true are left out. */
export async function snapshot(
  clients: Clients,
  skip: (name: string) => boolean = () => false,
): Promise<RegistrySnapshot> {
  const { iot } = clients;
  const snap: RegistrySnapshot = {
    thingTypes: {},
    thingGroups: {},
    things: {},
    certificates: {},
    policies: {},
  };
  for (const t of (await iot.send(new ListThingTypesCommand({}))).thingTypes ?? []) {
    if (skip(t.thingTypeName!)) continue;
    const d = await iot.send(new DescribeThingTypeCommand({ thingTypeName: t.thingTypeName }));
    snap.thingTypes[t.thingTypeName!] = {
      description: d.thingTypeProperties?.thingTypeDescription ?? null,
      searchable: [...(d.thingTypeProperties?.searchableAttributes ?? [])].sort(),
      deprecated: d.thingTypeMetadata?.deprecated ?? false,
    };
  }
  for (const g of (await iot.send(new ListThingGroupsCommand({}))).thingGroups ?? []) {
    if (skip(g.groupName!)) continue;
    const d = await iot.send(new DescribeThingGroupCommand({ thingGroupName: g.groupName }));
    snap.thingGroups[g.groupName!] = {
      parent: d.thingGroupMetadata?.parentGroupName ?? null,
      description: d.thingGroupProperties?.thingGroupDescription ?? null,
      attributes: d.thingGroupProperties?.attributePayload?.attributes ?? {},
    };
  }
  for (const t of (await iot.send(new ListThingsCommand({ maxResults: 250 }))).things ?? []) {
    const thingName = t.thingName!;
    if (skip(thingName)) continue;
    const d = await iot.send(new DescribeThingCommand({ thingName }));
    const groups = await iot.send(new ListThingGroupsForThingCommand({ thingName }));
    const principals = await iot.send(new ListThingPrincipalsCommand({ thingName }));
    const shadows: Record<string, unknown> = {};
    const classic = await shadowState(clients, thingName);
    if (classic) shadows.$classic = classic;
    const named = await clients.data.send(new ListNamedShadowsForThingCommand({ thingName }));
    for (const shadowName of named.results ?? []) {
      // moto lists deleted named shadows too: only readable ones count.
      const state = await shadowState(clients, thingName, shadowName);
      if (state) shadows[shadowName] = state;
    }
    snap.things[thingName] = {
      type: d.thingTypeName ?? null,
      attributes: d.attributes ?? {},
      groups: (groups.thingGroups ?? []).map((g) => g.groupName!).sort(),
      principals: [...(principals.principals ?? [])].sort(),
      shadows,
    };
  }
  for (const c of (await iot.send(new ListCertificatesCommand({ pageSize: 250 }))).certificates ??
    []) {
    const d = await iot.send(new DescribeCertificateCommand({ certificateId: c.certificateId }));
    const attached = await iot.send(new ListAttachedPoliciesCommand({ target: c.certificateArn }));
    const policies = (attached.policies ?? []).map((p) => p.policyName!).filter((p) => !skip(p));
    snap.certificates[c.certificateId!] = {
      status: d.certificateDescription!.status!,
      pem: d.certificateDescription!.certificatePem!,
      policies: policies.sort(),
    };
  }
  for (const p of (await iot.send(new ListPoliciesCommand({ pageSize: 250 }))).policies ?? []) {
    if (skip(p.policyName!)) continue;
    const d = await iot.send(new GetPolicyCommand({ policyName: p.policyName }));
    snap.policies[p.policyName!] = { document: JSON.parse(d.policyDocument!) as unknown };
  }
  return snap;
}

/** The snapshot with every IoT ARN in it moved to `region` (parsed and rebuilt, never replaced). */
export function relocate<T>(value: T, region: string): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    if (typeof v === "string" && v.startsWith("arn:")) {
      const parts = parseArn(v);
      if (parts.service === "iot" && parts.region) {
        return formatArn({ ...parts, region, partition: partitionOf(region) });
      }
    }
    return v;
  };
  return walk(value) as T;
}
