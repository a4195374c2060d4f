/**
 * Dynamic thing groups and billing groups of one region's fake IoT (FakeIot delegates to this).
 * Behaviour, from AWS's documentation (core/groups.ts cites it):
 * - a dynamic group's members are the things its query matches in the region's fleet index,
 *   computed by IoT (here: when read); AddThingToThingGroup and RemoveThingFromThingGroup on it are
 *   refused, as are the static group calls (its own Create/Update/DeleteDynamicThingGroup); it has
 *   no parent and is no parent;
 * - the query language is fleet indexing's; the model knows `attributes.<name>:<value>` only;
 * - a thing is in at most one billing group (DescribeThing's one `billingGroupName`); adding it to
 *   another while it is in one is refused here (IoT's answer is not documented: the reconciler
 *   removes it first either way); deleting the thing or the billing group drops the membership.
 */
import type { BillingGroupActual } from "../../functions/reconciler/actual";
import type { IotCall } from "../../functions/reconciler/calls";

const fail = (name: string, message = name): never => {
  const error = new Error(message);
  error.name = name;
  throw error;
};

export interface DynamicQuery {
  queryString: string;
  queryVersion: string | null;
  indexName: string | null;
}

/** The things a query matches (attributes.<name>:<value>); none for a query the model cannot read. */
export function matches(query: string, attributes: Record<string, string>): boolean {
  const found = /^attributes\.([A-Za-z0-9_.,@/#-]+):(.*)$/.exec(query);
  return !!found && attributes[found[1]] === found[2];
}

export class FakeBilling {
  groups = new Map<string, BillingGroupActual>();
  /** thing name -> billing group name */
  members = new Map<string, string>();
  private ids = new Map<string, string>();
  private tick = 0;

  idOf(name: string): string | undefined {
    return this.ids.get(name);
  }

  /** Applies a billing call; false when `c` is not one. `thingExists` is the registry's. */
  apply(c: IotCall, thingExists: (name: string) => boolean): boolean {
    switch (c.api) {
      case "CreateBillingGroup": {
        const name = c.input.billingGroupName!;
        const description = c.input.billingGroupProperties?.billingGroupDescription ?? null;
        const existing = this.groups.get(name);
        // Idempotent with the same configuration, else ResourceAlreadyExists (CreateBillingGroup).
        if (existing) {
          if (existing.description === description) return true;
          fail("ResourceAlreadyExistsException");
        }
        this.groups.set(name, { description, version: 1 });
        this.ids.set(name, `billing-${++this.tick}`);
        return true;
      }
      case "UpdateBillingGroup": {
        const g = this.groups.get(c.input.billingGroupName!) ?? fail("ResourceNotFoundException");
        if (c.input.expectedVersion !== undefined && c.input.expectedVersion !== g.version) {
          fail("VersionConflictException");
        }
        g.description = c.input.billingGroupProperties?.billingGroupDescription || null;
        g.version += 1;
        return true;
      }
      case "DeleteBillingGroup": {
        const name = c.input.billingGroupName!;
        this.groups.delete(name);
        this.ids.delete(name);
        for (const [thing, group] of [...this.members]) {
          if (group === name) this.members.delete(thing);
        }
        return true;
      }
      case "AddThingToBillingGroup": {
        const [group, thing] = [c.input.billingGroupName!, c.input.thingName!];
        if (!this.groups.has(group) || !thingExists(thing)) fail("ResourceNotFoundException");
        const current = this.members.get(thing);
        if (current && current !== group) {
          fail("InvalidRequestException", `thing ${thing} is in billing group ${current}`);
        }
        this.members.set(thing, group);
        return true;
      }
      case "RemoveThingFromBillingGroup": {
        const [group, thing] = [c.input.billingGroupName!, c.input.thingName!];
        if (!this.groups.has(group) || !thingExists(thing)) fail("ResourceNotFoundException");
        if (this.members.get(thing) === group) this.members.delete(thing);
        return true;
      }
      default:
        return false;
    }
  }
}
