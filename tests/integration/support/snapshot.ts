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
import { formatArn, parseArn, partitionOf } from "../../../core/arn";
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

/** Entries built concurrently (moto serves calls in parallel), keyed in sorted order. */
async function byName<T>(names: string[], read: (name: string) => Promise<T>) {
  const values = await Promise.all(names.map(read));
  return Object.fromEntries(
    names.map((n, i) => [n, values[i]] as const).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The registry of one region. */
export async function snapshot(clients: Clients): Promise<RegistrySnapshot> {
  const { iot } = clients;
  const [types, groups, things, certificates, policies] = await Promise.all([
    iot.send(new ListThingTypesCommand({})),
    iot.send(new ListThingGroupsCommand({})),
    iot.send(new ListThingsCommand({ maxResults: 250 })),
    iot.send(new ListCertificatesCommand({ pageSize: 250 })),
    iot.send(new ListPoliciesCommand({ pageSize: 250 })),
  ]);
  const certArns = new Map(
    (certificates.certificates ?? []).map((c) => [c.certificateId!, c.certificateArn!]),
  );
  const [thingTypes, thingGroups, thingsByName, certs, policyDocs] = await Promise.all([
    byName(
      (types.thingTypes ?? []).map((t) => t.thingTypeName!),
      async (thingTypeName) => {
        const d = await iot.send(new DescribeThingTypeCommand({ thingTypeName }));
        return {
          description: d.thingTypeProperties?.thingTypeDescription ?? null,
          searchable: [...(d.thingTypeProperties?.searchableAttributes ?? [])].sort(),
          deprecated: d.thingTypeMetadata?.deprecated ?? false,
        };
      },
    ),
    byName(
      (groups.thingGroups ?? []).map((g) => g.groupName!),
      async (thingGroupName) => {
        const d = await iot.send(new DescribeThingGroupCommand({ thingGroupName }));
        return {
          parent: d.thingGroupMetadata?.parentGroupName ?? null,
          description: d.thingGroupProperties?.thingGroupDescription ?? null,
          attributes: d.thingGroupProperties?.attributePayload?.attributes ?? {},
        };
      },
    ),
    byName(
      (things.things ?? []).map((t) => t.thingName!),
      async (thingName) => {
        const [d, inGroups, principals, classic, named] = await Promise.all([
          iot.send(new DescribeThingCommand({ thingName })),
          iot.send(new ListThingGroupsForThingCommand({ thingName })),
          iot.send(new ListThingPrincipalsCommand({ thingName })),
          shadowState(clients, thingName),
          clients.data.send(new ListNamedShadowsForThingCommand({ thingName })),
        ]);
        // moto lists deleted named shadows too: only readable ones count.
        const namedStates = await byName(named.results ?? [], (shadowName) =>
          shadowState(clients, thingName, shadowName),
        );
        const shadows: Record<string, unknown> = classic ? { $classic: classic } : {};
        for (const [name, state] of Object.entries(namedStates)) if (state) shadows[name] = state;
        return {
          type: d.thingTypeName ?? null,
          attributes: d.attributes ?? {},
          groups: (inGroups.thingGroups ?? []).map((g) => g.groupName!).sort(),
          principals: [...(principals.principals ?? [])].sort(),
          shadows,
        };
      },
    ),
    byName([...certArns.keys()], async (certificateId) => {
      const [d, attached] = await Promise.all([
        iot.send(new DescribeCertificateCommand({ certificateId })),
        iot.send(new ListAttachedPoliciesCommand({ target: certArns.get(certificateId) })),
      ]);
      return {
        status: d.certificateDescription!.status!,
        pem: d.certificateDescription!.certificatePem!,
        policies: (attached.policies ?? []).map((p) => p.policyName!).sort(),
      };
    }),
    byName(
      (policies.policies ?? []).map((p) => p.policyName!),
      async (policyName) => {
        const d = await iot.send(new GetPolicyCommand({ policyName }));
        return { document: JSON.parse(d.policyDocument!) as unknown };
      },
    ),
  ]);
  return {
    thingTypes,
    thingGroups,
    things: thingsByName,
    certificates: certs,
    policies: policyDocs,
  };
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
      // A wildcard region is the same in every region (the reconciler keeps it as written).
      if (parts.service === "iot" && parts.region && !parts.region.includes("*")) {
        return formatArn({ ...parts, region, partition: partitionOf(region) });
      }
    }
    return v;
  };
  return walk(value) as T;
}
