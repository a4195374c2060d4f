/**
 * The reconciler port's reads, writes and listings of dynamic thing groups, billing groups and a
 * thing's billing group (see convergeGroups.ts), over the same IoT client as the rest of the port.
 */
import {
  AddThingToBillingGroupCommand,
  CreateBillingGroupCommand,
  CreateDynamicThingGroupCommand,
  DeleteBillingGroupCommand,
  DeleteDynamicThingGroupCommand,
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  type IoTClient,
  ListBillingGroupsCommand,
  ListThingsInBillingGroupCommand,
  RemoveThingFromBillingGroupCommand,
  UpdateBillingGroupCommand,
  UpdateDynamicThingGroupCommand,
} from "@aws-sdk/client-iot";
import type { BillingGroupActual, BillingGroupMembershipActual } from "./actual";
import type { IotCall } from "./calls";
import { datedBy } from "../shared/iotDate";

/** A page of names (iot.ts's ListedPage, not imported: iot.ts imports this module). */
type NamesPage = { names: string[]; cursor?: string };

export async function readBillingGroup(
  iot: IoTClient,
  billingGroupName: string,
): Promise<BillingGroupActual> {
  const out = await iot.send(new DescribeBillingGroupCommand({ billingGroupName }));
  return {
    description: out.billingGroupProperties?.billingGroupDescription || null,
    version: out.version ?? 0,
    ...datedBy(out.billingGroupMetadata?.creationDate),
  };
}

/** The thing's billing group (DescribeThing's `billingGroupName`); not found when the thing is gone. */
export async function readBillingGroupMembership(
  iot: IoTClient,
  thingName: string,
): Promise<BillingGroupMembershipActual> {
  const out = await iot.send(new DescribeThingCommand({ thingName }));
  return { billingGroupName: out.billingGroupName ?? null };
}

/** ListBillingGroups: maxResults 1 to 250 (AWS IoT API Reference). */
export async function listBillingGroups(iot: IoTClient, cursor?: string): Promise<NamesPage> {
  const out = await iot.send(new ListBillingGroupsCommand({ nextToken: cursor, maxResults: 250 }));
  return {
    names: (out.billingGroups ?? []).map((g) => g.groupName!),
    cursor: out.nextToken,
  };
}

/** ListThingsInBillingGroup: the group's things, 250 a page. */
export async function listThingsInBillingGroup(
  iot: IoTClient,
  billingGroupName: string,
  cursor?: string,
): Promise<NamesPage> {
  const out = await iot.send(
    new ListThingsInBillingGroupCommand({ billingGroupName, nextToken: cursor, maxResults: 250 }),
  );
  return { names: out.things ?? [], cursor: out.nextToken };
}

/** Sends a group call; false when `c` is not one (the caller sends it). */
export async function sendGroups(iot: IoTClient, c: IotCall): Promise<boolean> {
  switch (c.api) {
    case "CreateDynamicThingGroup":
      await iot.send(new CreateDynamicThingGroupCommand(c.input));
      return true;
    case "UpdateDynamicThingGroup":
      await iot.send(new UpdateDynamicThingGroupCommand(c.input));
      return true;
    case "DeleteDynamicThingGroup":
      await iot.send(new DeleteDynamicThingGroupCommand(c.input));
      return true;
    case "CreateBillingGroup":
      await iot.send(new CreateBillingGroupCommand(c.input));
      return true;
    case "UpdateBillingGroup":
      await iot.send(new UpdateBillingGroupCommand(c.input));
      return true;
    case "DeleteBillingGroup":
      await iot.send(new DeleteBillingGroupCommand(c.input));
      return true;
    case "AddThingToBillingGroup":
      await iot.send(new AddThingToBillingGroupCommand(c.input));
      return true;
    case "RemoveThingFromBillingGroup":
      await iot.send(new RemoveThingFromBillingGroupCommand(c.input));
      return true;
    default:
      return false;
  }
}
