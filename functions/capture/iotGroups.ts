/**
 * Capture's reads of thing groups (static or dynamic), billing groups and a thing's billing group:
 * their state in local IoT as the region-neutral desired shape, or null when IoT holds none.
 */
import {
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  type DescribeThingGroupCommandOutput,
  type IoTClient,
} from "@aws-sdk/client-iot";
import type {
  BillingGroupDesired,
  BillingGroupMembershipDesired,
  ThingGroupDesired,
} from "../../core/entities";
import { datedBy } from "../shared/iotDate";

/**
 * A described group as the item holds it. DescribeThingGroup answers for both types; a dynamic
 * group is the one with a `queryString` (its `indexName`, `queryVersion` and `status` come with it,
 * https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeThingGroup.html).
 */
export function thingGroupDesired(
  thingGroupName: string,
  out: Pick<
    DescribeThingGroupCommandOutput,
    "thingGroupMetadata" | "thingGroupProperties" | "queryString" | "queryVersion" | "indexName"
  >,
): ThingGroupDesired {
  const desired: ThingGroupDesired = {
    thingGroupName,
    parentGroupName: out.thingGroupMetadata?.parentGroupName ?? null,
    description: out.thingGroupProperties?.thingGroupDescription ?? null,
    attributes: out.thingGroupProperties?.attributePayload?.attributes ?? {},
  };
  if (out.queryString) {
    desired.dynamic = {
      queryString: out.queryString,
      queryVersion: out.queryVersion ?? null,
      indexName: out.indexName ?? null,
    };
  }
  return desired;
}

export async function thingGroupState(
  iot: IoTClient,
  thingGroupName: string,
): Promise<{ desired: ThingGroupDesired; incarnation?: string; version?: number }> {
  const out = await iot.send(new DescribeThingGroupCommand({ thingGroupName }));
  return {
    desired: thingGroupDesired(thingGroupName, out),
    incarnation: out.thingGroupId,
    version: out.version,
  };
}

export async function billingGroupState(
  iot: IoTClient,
  billingGroupName: string,
): Promise<{ desired: BillingGroupDesired; incarnation?: string; dated?: number }> {
  const out = await iot.send(new DescribeBillingGroupCommand({ billingGroupName }));
  // The group's creation date (BillingGroupMetadata: "the date the billing group was created",
  // https://docs.aws.amazon.com/iot/latest/apireference/API_BillingGroupMetadata.html): no later
  // than its state, whatever updates came since (IoT gives no date of the last update).
  return {
    desired: {
      billingGroupName,
      description: out.billingGroupProperties?.billingGroupDescription ?? null,
    },
    incarnation: out.billingGroupId,
    ...datedBy(out.billingGroupMetadata?.creationDate),
  };
}

/**
 * The thing's billing group: DescribeThing's `billingGroupName`
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeThing.html); null when the
 * thing is in none. Throws ResourceNotFoundException when the thing is gone (the caller's null).
 */
export async function billingGroupMembershipState(
  iot: IoTClient,
  thingName: string,
): Promise<BillingGroupMembershipDesired | null> {
  const out = await iot.send(new DescribeThingCommand({ thingName }));
  return out.billingGroupName ? { thingName, billingGroupName: out.billingGroupName } : null;
}
