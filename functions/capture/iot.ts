/**
 * Port: the few reads capture makes in local IoT when an event lacks the entity's state. Each
 * returns the region-neutral desired shape, or null when the entity no longer exists.
 */
import {
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  GetPolicyCommand,
  IoTClient,
  ListAttachedPoliciesCommand,
  ListThingPrincipalsCommand,
} from "@aws-sdk/client-iot";
import { GetThingShadowCommand, IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import type {
  CertificateDesired,
  CertificateStatus,
  PolicyDesired,
  ShadowDesired,
  ThingDesired,
  ThingGroupDesired,
} from "../shared/entities";

export interface CaptureIotPort {
  thing(thingName: string): Promise<ThingDesired | null>;
  thingGroup(thingGroupName: string): Promise<ThingGroupDesired | null>;
  certificate(certificateId: string): Promise<CertificateDesired | null>;
  policy(policyName: string): Promise<PolicyDesired | null>;
  shadow(thingName: string, shadowName: string | null): Promise<ShadowDesired | null>;
  /** Whether the policy is attached to the target (an IoT ARN of this region) now. */
  policyAttached(policyName: string, targetArn: string): Promise<boolean>;
  /** Whether the principal (an IoT ARN of this region) is attached to the thing now. */
  principalAttached(thingName: string, principalArn: string): Promise<boolean>;
}

const notFound = (error: unknown): boolean =>
  (error as { name?: string }).name === "ResourceNotFoundException";

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
}

/** Statuses other than these (PENDING_TRANSFER, ...) are replicated as INACTIVE: never usable. */
export function replicatedStatus(status: string | undefined): CertificateStatus {
  return status === "ACTIVE" || status === "REVOKED" ? status : "INACTIVE";
}

export function sdkCaptureIot(
  iot = new IoTClient({ retryMode: "adaptive" }),
  data = new IoTDataPlaneClient({ retryMode: "adaptive" }),
): CaptureIotPort {
  return {
    thing: (thingName) =>
      orNull(async () => {
        const out = await iot.send(new DescribeThingCommand({ thingName }));
        return {
          thingName,
          thingTypeName: out.thingTypeName ?? null,
          attributes: out.attributes ?? {},
        };
      }),
    thingGroup: (thingGroupName) =>
      orNull(async () => {
        const out = await iot.send(new DescribeThingGroupCommand({ thingGroupName }));
        return {
          thingGroupName,
          parentGroupName: out.thingGroupMetadata?.parentGroupName ?? null,
          description: out.thingGroupProperties?.thingGroupDescription ?? null,
          attributes: out.thingGroupProperties?.attributePayload?.attributes ?? {},
        };
      }),
    certificate: (certificateId) =>
      orNull(async () => {
        const out = await iot.send(new DescribeCertificateCommand({ certificateId }));
        const pem = out.certificateDescription?.certificatePem;
        if (!pem)
          throw new Error(`DescribeCertificate(${certificateId}) returned no certificatePem`);
        return {
          certificateId,
          certificatePem: pem,
          status: replicatedStatus(out.certificateDescription?.status),
        };
      }),
    policy: (policyName) =>
      orNull(async () => {
        // GetPolicy returns the default version's document.
        const out = await iot.send(new GetPolicyCommand({ policyName }));
        if (!out.policyDocument) throw new Error(`GetPolicy(${policyName}) returned no document`);
        return { policyName, document: out.policyDocument };
      }),
    shadow: (thingName, shadowName) =>
      orNull(async () => {
        const out = await data.send(
          new GetThingShadowCommand({ thingName, shadowName: shadowName ?? undefined }),
        );
        const doc = JSON.parse(new TextDecoder().decode(out.payload)) as {
          state?: ShadowDesired["state"];
        };
        const state: ShadowDesired["state"] = {};
        if (doc.state?.desired) state.desired = doc.state.desired;
        if (doc.state?.reported) state.reported = doc.state.reported;
        return { thingName, shadowName, state };
      }),
    policyAttached: async (policyName, target) => {
      let marker: string | undefined;
      do {
        const out = await orNull(() =>
          iot.send(new ListAttachedPoliciesCommand({ target, marker })),
        );
        if (!out) return false;
        if (out.policies?.some((p) => p.policyName === policyName)) return true;
        marker = out.nextMarker;
      } while (marker);
      return false;
    },
    principalAttached: async (thingName, principal) => {
      let nextToken: string | undefined;
      do {
        const out = await orNull(() =>
          iot.send(new ListThingPrincipalsCommand({ thingName, nextToken })),
        );
        if (!out) return false;
        if (out.principals?.includes(principal)) return true;
        nextToken = out.nextToken;
      } while (nextToken);
      return false;
    },
  };
}
