/**
 * Port: local IoT Core as the reconciler sees it. `read` returns an entity's actual state (what a
 * plan is computed from), `send` performs one planned call, `listNames` pages through the local
 * registry for the anti-entropy sweep. Over SDK v3 clients with adaptive retry, which slows the
 * client down when IoT answers ThrottlingException.
 */
import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteThingCommand,
  DeleteThingGroupCommand,
  DeleteThingTypeCommand,
  DeprecateThingTypeCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IoTClient,
  type IoTClientConfig,
  ListAttachedPoliciesCommand,
  ListCACertificatesCommand,
  ListCertificatesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListPrincipalThingsCommand,
  ListProvisioningTemplatesCommand,
  ListTargetsForPolicyCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  ListThingTypesCommand,
  ListThingsCommand,
  ListThingsInThingGroupCommand,
  RegisterCertificateWithoutCACommand,
  RemoveThingFromThingGroupCommand,
  SetDefaultPolicyVersionCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
  UpdateThingGroupCommand,
} from "@aws-sdk/client-iot";
import {
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  ListNamedShadowsForThingCommand,
  IoTDataPlaneClient,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { adaptiveIotClients } from "../shared/apiRateLimit";
import type { Identity } from "../../core/entities";
import type { Actual, PolicyVersionActual, ShadowActual } from "./actual";
import type { IotCall } from "./calls";
import type { Issued } from "./issueCsr";
import { certArn, iotArn, targetArn, type Place } from "./converge";
import { readCaCertificate, readProvisioningTemplate, sendFleet } from "./iotFleet";
import {
  listBillingGroups,
  listThingsInBillingGroup,
  readBillingGroup,
  readBillingGroupMembership,
  sendGroups,
} from "./iotGroups";
import { datedBy, policyDated } from "../shared/iotDate";
import { shadowDated } from "../shared/shadowDate";

/** Kinds the sweep lists in the local registry. */
export type ListedKind =
  | "thing"
  | "thingType"
  | "thingGroup"
  | "policy"
  | "certificate"
  | "caCertificate"
  | "provisioningTemplate"
  | "billingGroup";

export interface ReconcilerIotPort {
  read(id: Identity, place: Place, deleting: boolean): Promise<Actual | null>;
  /** For a create, the new object's incarnation id when IoT returns one (CreateThing's thingId). */
  send(call: IotCall): Promise<SendResult | void>;
  /** CreateCertificateFromCsr: the issued certificate's id and PEM. */
  issueFromCsr(csrPem: string, active: boolean): Promise<Issued>;
  listNames(kind: ListedKind, cursor?: string): Promise<ListedPage>;
  /**
   * A page of what IoT lists inside a container: a group's things (names), a policy's targets
   * (ARNs), a thing's principals (ARNs), a thing's named shadows (names). Empty when the
   * container is gone.
   */
  listContained(container: ContainerKind, name: string, cursor?: string): Promise<ListedPage>;
}

/**
 * Containers whose contents IoT lists in pages: ListThingsInThingGroup (25 TPS) and
 * ListTargetsForPolicy, up to 250 a call, where the other side offers one call per object
 * (ListThingGroupsForThing, ListAttachedPolicies); and a thing's principals (ListThingPrincipals)
 * and named shadows (ListNamedShadowsForThing, `thingShadows`), which IoT lists per thing only.
 */
export type ContainerKind = "thingGroup" | "policy" | "billingGroup" | "thing" | "thingShadows";

/**
 * A page of a kind's names. Certificates come with their status, which ListCertificates returns
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_ListCertificates.html, Certificate):
 * the sweep reads certificates' status in bulk from it, 250 a call.
 */
export interface ListedPage {
  names: string[];
  cursor?: string;
  statuses?: Record<string, string>;
}

/** What a call returned that the reconciler keeps (docs/convergence.md, rule 1). */
export interface SendResult {
  incarnation?: string;
}

export const errorName = (error: unknown): string =>
  (error as { name?: string } | undefined)?.name ?? "";

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (errorName(error) === "ResourceNotFoundException") return null;
    throw error;
  }
}

/** Drains a paginated list call. */
async function all<T>(
  page: (marker?: string) => Promise<{ items: T[]; next?: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  do {
    const result = await page(marker);
    out.push(...result.items);
    marker = result.next;
  } while (marker);
  return out;
}

/**
 * Clients for the reconciler: the SDK's retries with its adaptive limiter per API
 * (shared/apiRateLimit.ts), since throttling under a bulk re-sync is expected, not exceptional.
 */
export function reconcilerClients(
  // Region and credentials from the environment in Lambda; an endpoint for tests against moto.
  config: Omit<IoTClientConfig, "retryStrategy"> = {},
): { iot: IoTClient; data: IoTDataPlaneClient } {
  return adaptiveIotClients(config);
}

export function sdkReconcilerIot({ iot, data } = reconcilerClients()): ReconcilerIotPort {
  const decoder = new TextDecoder();
  return {
    async read(id, place, deleting) {
      switch (id.kind) {
        case "thing":
          return orNull(async () => {
            const out = await iot.send(new DescribeThingCommand({ thingName: id.thingName }));
            const principals = deleting
              ? await all(async (nextToken) => {
                  const page = await iot.send(
                    new ListThingPrincipalsCommand({ thingName: id.thingName, nextToken }),
                  );
                  return { items: page.principals ?? [], next: page.nextToken };
                })
              : [];
            return {
              thingTypeName: out.thingTypeName ?? null,
              attributes: out.attributes ?? {},
              version: out.version ?? 0,
              ...(out.thingId ? { incarnation: out.thingId } : {}),
              principals,
            };
          });
        case "thingType":
          return orNull(async () => {
            const out = await iot.send(
              new DescribeThingTypeCommand({ thingTypeName: id.thingTypeName }),
            );
            return {
              deprecated: out.thingTypeMetadata?.deprecated ?? false,
              description: out.thingTypeProperties?.thingTypeDescription ?? null,
              searchableAttributes: out.thingTypeProperties?.searchableAttributes ?? [],
            };
          });
        case "thingGroup":
          return orNull(async () => {
            const out = await iot.send(
              new DescribeThingGroupCommand({ thingGroupName: id.thingGroupName }),
            );
            const descendants: string[] = [];
            // Breadth first, a level at a time: parents before children (7 levels at most).
            for (let level = [id.thingGroupName]; deleting && level.length > 0;) {
              const below: string[] = [];
              for (const parentGroup of level) {
                const children = await all(async (nextToken) => {
                  const page = await iot.send(
                    new ListThingGroupsCommand({ parentGroup, recursive: false, nextToken }),
                  );
                  return { items: page.thingGroups ?? [], next: page.nextToken };
                });
                below.push(...children.map((g) => g.groupName!));
              }
              descendants.push(...below);
              level = below;
            }
            const policies: Record<string, string[]> = {};
            for (const group of deleting ? [id.thingGroupName, ...descendants] : []) {
              const target = iotArn(place, `thinggroup/${group}`);
              policies[group] = await all(async (marker) => {
                const page = await iot.send(new ListAttachedPoliciesCommand({ target, marker }));
                return {
                  items: (page.policies ?? []).map((p) => p.policyName!),
                  next: page.nextMarker,
                };
              });
            }
            return {
              parentGroupName: out.thingGroupMetadata?.parentGroupName ?? null,
              description: out.thingGroupProperties?.thingGroupDescription ?? null,
              attributes: out.thingGroupProperties?.attributePayload?.attributes ?? {},
              version: out.version ?? 0,
              ...(out.thingGroupId ? { incarnation: out.thingGroupId } : {}),
              // No later than the group's state, whatever updates came since: its creation
              // ("The UNIX timestamp of when the thing group was created", ThingGroupMetadata,
              // https://docs.aws.amazon.com/iot/latest/apireference/API_ThingGroupMetadata.html).
              // A group made here after the item's change is a later change (datedHere.ts).
              ...datedBy(out.thingGroupMetadata?.creationDate),
              // A dynamic group is the one with a query (DescribeThingGroup).
              ...(out.queryString
                ? {
                    dynamic: {
                      queryString: out.queryString,
                      queryVersion: out.queryVersion ?? null,
                      indexName: out.indexName ?? null,
                    },
                  }
                : {}),
              ...(deleting ? { descendants, policies } : {}),
            };
          });
        case "membership": {
          const groups = await orNull(() =>
            all(async (nextToken) => {
              const page = await iot.send(
                new ListThingGroupsForThingCommand({ thingName: id.thingName, nextToken }),
              );
              return { items: page.thingGroups ?? [], next: page.nextToken };
            }),
          );
          return { present: !!groups?.some((g) => g.groupName === id.thingGroupName) };
        }
        case "certificate":
          return orNull(async () => {
            const out = await iot.send(
              new DescribeCertificateCommand({ certificateId: id.certificateId }),
            );
            const arn = certArn(place, id.certificateId);
            const policies = deleting
              ? await all(async (marker) => {
                  const page = await iot.send(
                    new ListAttachedPoliciesCommand({ target: arn, marker }),
                  );
                  return {
                    items: (page.policies ?? []).map((p) => p.policyName!),
                    next: page.nextMarker,
                  };
                })
              : [];
            const things = deleting
              ? await all(async (nextToken) => {
                  const page = await iot.send(
                    new ListPrincipalThingsCommand({ principal: arn, nextToken }),
                  );
                  return { items: page.things ?? [], next: page.nextToken };
                })
              : [];
            const d = out.certificateDescription;
            return {
              status: d?.status ?? "INACTIVE",
              policies,
              things,
              ...datedBy(d?.lastModifiedDate ?? d?.creationDate),
            };
          });
        case "policy":
          return orNull(async () => {
            const policy = await iot.send(new GetPolicyCommand({ policyName: id.policyName }));
            const listed = await iot.send(
              new ListPolicyVersionsCommand({ policyName: id.policyName }),
            );
            // Every version's document: the item names all of them (docs/convergence.md).
            const versions: PolicyVersionActual[] = [];
            for (const v of listed.policyVersions ?? []) {
              const document =
                v.versionId === policy.defaultVersionId
                  ? policy.policyDocument
                  : (
                      await iot.send(
                        new GetPolicyVersionCommand({
                          policyName: id.policyName,
                          policyVersionId: v.versionId,
                        }),
                      )
                    ).policyDocument;
              versions.push({
                versionId: v.versionId!,
                isDefault: v.isDefaultVersion ?? false,
                createDate: v.createDate?.getTime() ?? 0,
                ...(document !== undefined ? { document } : {}),
              });
            }
            const targets = deleting
              ? await all(async (marker) => {
                  const page = await iot.send(
                    new ListTargetsForPolicyCommand({ policyName: id.policyName, marker }),
                  );
                  return { items: page.targets ?? [], next: page.nextMarker };
                })
              : [];
            return { versions, targets, ...policyDated(listed.policyVersions ?? []) };
          });
        case "policyAttachment": {
          const policies = await orNull(() =>
            all(async (marker) => {
              const page = await iot.send(
                new ListAttachedPoliciesCommand({ target: targetArn(place, id.target), marker }),
              );
              return { items: page.policies ?? [], next: page.nextMarker };
            }),
          );
          return { present: !!policies?.some((p) => p.policyName === id.policyName) };
        }
        case "principalAttachment": {
          const principals = await orNull(() =>
            all(async (nextToken) => {
              const page = await iot.send(
                new ListThingPrincipalsCommand({ thingName: id.thingName, nextToken }),
              );
              return { items: page.principals ?? [], next: page.nextToken };
            }),
          );
          return { present: !!principals?.includes(certArn(place, id.certificateId)) };
        }
        case "shadow":
          return orNull(async () => {
            const out = await data.send(
              new GetThingShadowCommand({
                thingName: id.thingName,
                shadowName: id.shadowName ?? undefined,
              }),
            );
            const doc = JSON.parse(decoder.decode(out.payload)) as {
              state?: ShadowActual["state"];
              version?: number;
              metadata?: unknown;
            };
            const state: ShadowActual["state"] = {};
            if (doc.state?.desired) state.desired = doc.state.desired;
            if (doc.state?.reported) state.reported = doc.state.reported;
            // A shadow changed here after the item's change is a later change (datedHere.ts).
            return { state, version: doc.version ?? 0, ...shadowDated(doc.metadata) };
          });
        case "caCertificate":
          return orNull(() => readCaCertificate(iot, id.caCertificateId));
        case "provisioningTemplate":
          return orNull(() => readProvisioningTemplate(iot, id.templateName));
        case "billingGroup":
          return orNull(() => readBillingGroup(iot, id.billingGroupName));
        case "billingGroupMembership":
          return orNull(() => readBillingGroupMembership(iot, id.thingName));
      }
    },

    async send(c) {
      switch (c.api) {
        case "CreateThing":
          // CreateThing returns the thing's id, also for an identical thing that existed.
          return { incarnation: (await iot.send(new CreateThingCommand(c.input))).thingId };
        case "UpdateThing":
          return void (await iot.send(new UpdateThingCommand(c.input)));
        case "DeleteThing":
          return void (await iot.send(new DeleteThingCommand(c.input)));
        case "CreateThingType":
          return void (await iot.send(new CreateThingTypeCommand(c.input)));
        case "DeprecateThingType":
          return void (await iot.send(new DeprecateThingTypeCommand(c.input)));
        case "DeleteThingType":
          return void (await iot.send(new DeleteThingTypeCommand(c.input)));
        case "CreateThingGroup":
          return {
            incarnation: (await iot.send(new CreateThingGroupCommand(c.input))).thingGroupId,
          };
        case "UpdateThingGroup":
          return void (await iot.send(new UpdateThingGroupCommand(c.input)));
        case "DeleteThingGroup":
          return void (await iot.send(new DeleteThingGroupCommand(c.input)));
        case "AddThingToThingGroup":
          return void (await iot.send(new AddThingToThingGroupCommand(c.input)));
        case "RemoveThingFromThingGroup":
          return void (await iot.send(new RemoveThingFromThingGroupCommand(c.input)));
        case "RegisterCertificateWithoutCA":
          return void (await iot.send(new RegisterCertificateWithoutCACommand(c.input)));
        case "UpdateCertificate":
          return void (await iot.send(new UpdateCertificateCommand(c.input)));
        case "DeleteCertificate":
          return void (await iot.send(new DeleteCertificateCommand(c.input)));
        case "CreatePolicy":
          return void (await iot.send(new CreatePolicyCommand(c.input)));
        case "CreatePolicyVersion":
          return void (await iot.send(new CreatePolicyVersionCommand(c.input)));
        case "DeletePolicyVersion":
          return void (await iot.send(new DeletePolicyVersionCommand(c.input)));
        case "SetDefaultPolicyVersion":
          return void (await iot.send(new SetDefaultPolicyVersionCommand(c.input)));
        case "DeletePolicy":
          return void (await iot.send(new DeletePolicyCommand(c.input)));
        case "AttachPolicy":
          return void (await iot.send(new AttachPolicyCommand(c.input)));
        case "DetachPolicy":
          return void (await iot.send(new DetachPolicyCommand(c.input)));
        case "AttachThingPrincipal":
          return void (await iot.send(new AttachThingPrincipalCommand(c.input)));
        case "DetachThingPrincipal":
          return void (await iot.send(new DetachThingPrincipalCommand(c.input)));
        case "UpdateThingShadow":
          return void (await data.send(
            new UpdateThingShadowCommand({
              thingName: c.input.thingName,
              shadowName: c.input.shadowName,
              payload: new TextEncoder().encode(JSON.stringify(c.input.payload)),
            }),
          ));
        case "DeleteThingShadow":
          return void (await data.send(new DeleteThingShadowCommand(c.input)));
        default:
          if (!(await sendFleet(iot, c)) && !(await sendGroups(iot, c))) {
            throw new Error(`no IoT command for ${c.api}`);
          }
          return undefined;
      }
    },

    async issueFromCsr(certificateSigningRequest, setAsActive) {
      const out = await iot.send(
        new CreateCertificateFromCsrCommand({ certificateSigningRequest, setAsActive }),
      );
      if (!out.certificateId || !out.certificatePem) {
        throw new Error("CreateCertificateFromCsr returned no certificateId or certificatePem");
      }
      return { certificateId: out.certificateId, certificatePem: out.certificatePem };
    },

    async listContained(container, name, cursor) {
      const maxResults = 250;
      const page = await orNull(async (): Promise<ListedPage> => {
        if (container === "billingGroup") return listThingsInBillingGroup(iot, name, cursor);
        if (container === "thingGroup") {
          // Direct members only: a nested group's members are that group's memberships.
          const out = await iot.send(
            new ListThingsInThingGroupCommand({
              thingGroupName: name,
              recursive: false,
              nextToken: cursor,
              maxResults,
            }),
          );
          return { names: out.things ?? [], cursor: out.nextToken };
        }
        if (container === "thing") {
          const out = await iot.send(
            new ListThingPrincipalsCommand({ thingName: name, nextToken: cursor, maxResults }),
          );
          return { names: out.principals ?? [], cursor: out.nextToken };
        }
        if (container === "thingShadows") {
          // The data plane lists a thing's named shadows, 100 at most a page
          // (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_ListNamedShadowsForThing.html).
          const out = await data.send(
            new ListNamedShadowsForThingCommand({
              thingName: name,
              nextToken: cursor,
              pageSize: 100,
            }),
          );
          return { names: out.results ?? [], cursor: out.nextToken };
        }
        const out = await iot.send(
          new ListTargetsForPolicyCommand({
            policyName: name,
            marker: cursor,
            pageSize: maxResults,
          }),
        );
        return { names: out.targets ?? [], cursor: out.nextMarker };
      });
      return page ?? { names: [] };
    },

    async listNames(kind, cursor) {
      const maxResults = 250;
      switch (kind) {
        case "thing": {
          const out = await iot.send(new ListThingsCommand({ nextToken: cursor, maxResults }));
          return { names: (out.things ?? []).map((t) => t.thingName!), cursor: out.nextToken };
        }
        case "thingType": {
          const out = await iot.send(new ListThingTypesCommand({ nextToken: cursor, maxResults }));
          return {
            names: (out.thingTypes ?? []).map((t) => t.thingTypeName!),
            cursor: out.nextToken,
          };
        }
        case "thingGroup": {
          const out = await iot.send(new ListThingGroupsCommand({ nextToken: cursor, maxResults }));
          return { names: (out.thingGroups ?? []).map((g) => g.groupName!), cursor: out.nextToken };
        }
        case "policy": {
          const out = await iot.send(
            new ListPoliciesCommand({ marker: cursor, pageSize: maxResults }),
          );
          return { names: (out.policies ?? []).map((p) => p.policyName!), cursor: out.nextMarker };
        }
        case "certificate": {
          const out = await iot.send(
            new ListCertificatesCommand({ marker: cursor, pageSize: maxResults }),
          );
          return {
            names: (out.certificates ?? []).map((c) => c.certificateId!),
            cursor: out.nextMarker,
            statuses: Object.fromEntries(
              (out.certificates ?? []).map((c) => [c.certificateId!, c.status ?? "INACTIVE"]),
            ),
          };
        }
        case "caCertificate": {
          // pageSize: 1 to 250 (ListCACertificates, AWS IoT API Reference).
          const out = await iot.send(
            new ListCACertificatesCommand({ marker: cursor, pageSize: maxResults }),
          );
          return {
            names: (out.certificates ?? []).map((c) => c.certificateId!),
            cursor: out.nextMarker,
          };
        }
        case "billingGroup":
          return listBillingGroups(iot, cursor);
        case "provisioningTemplate": {
          // maxResults: 1 to 250 (ListProvisioningTemplates, AWS IoT API Reference).
          const out = await iot.send(
            new ListProvisioningTemplatesCommand({ nextToken: cursor, maxResults }),
          );
          return {
            names: (out.templates ?? []).map((t) => t.templateName!),
            cursor: out.nextToken,
          };
        }
      }
    },
  };
}
