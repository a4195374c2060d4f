/**
 * Dynamic thing groups and billing groups in the reconciler (convergeGroups.ts): a dynamic group is
 * made with its own calls and its query; a membership of one is refused with its reason; a type
 * change is a delete then a create; a thing moves between billing groups out of the old one first.
 */
import { strict as assert } from "assert";
import type { DeadLetter } from "../../../functions/reconciler/dlq";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { sweepSegment } from "../../../functions/reconciler/sweep";
import { keys } from "../../../core/entities";
import type { RegistryItem } from "../../../core/registryItem";
import { registryItem } from "../../../core/registrySchema";
import { FakeIot, FakeTable, manualClock, unpacedSweepDeps } from "../../support/fakeRegistry";

const PLACE = { region: "eu-central-1", account: "111111111111" };
const T0 = Date.parse("2026-12-07T04:00:00Z");
const QUERY = { queryString: "attributes.v:1", queryVersion: null, indexName: null };

const item = (
  pk: string,
  kind: RegistryItem["kind"],
  desired: Record<string, unknown> | null,
  version = T0,
): RegistryItem =>
  registryItem({
    pk,
    kind,
    version,
    updatedAt: new Date(version).toISOString(),
    updatedBy: "capture:eu-west-1",
    sourceRegion: "eu-west-1",
    deleted: desired === null,
    desired,
  });

const group = (name: string, dynamic?: typeof QUERY, version = T0) =>
  item(
    keys.thingGroup(name),
    "thingGroup",
    {
      thingGroupName: name,
      parentGroupName: null,
      description: null,
      attributes: {},
      ...(dynamic ? { dynamic } : {}),
    },
    version,
  );

function world() {
  const table = new FakeTable();
  const iot = new FakeIot(PLACE);
  const clock = manualClock(T0);
  const letters: DeadLetter[] = [];
  const reconcile = async (items: RegistryItem[]) => {
    for (const i of items) await table.putIfNewer(i);
    return new Reconciler({
      iot,
      table,
      dlq: { send: (l) => Promise.resolve(void letters.push(l)) },
      pacer: unpaced,
      place: PLACE,
      clock,
      maxConcurrency: 4,
    }).reconcileAll(items, true);
  };
  return { table, iot, clock, letters, reconcile };
}

describe("dynamic thing groups and billing groups (issue 22)", () => {
  it("makes a dynamic group with its query, and changes the query with its own call", async () => {
    const w = world();
    await w.reconcile([group("fleet", QUERY)]);
    assert.deepEqual(w.iot.groups.get("fleet")?.dynamic, QUERY);
    const changed = { ...QUERY, queryString: "attributes.v:2" };
    await w.reconcile([group("fleet", changed, T0 + 1)]);
    assert.deepEqual(w.iot.groups.get("fleet")?.dynamic, changed);
    assert.deepEqual(
      w.iot.calls.map((c) => c.api),
      ["CreateDynamicThingGroup", "UpdateDynamicThingGroup"],
    );
  });

  it("turns a static group into a dynamic one by delete then create, and back", async () => {
    const w = world();
    await w.reconcile([group("fleet")]);
    await w.reconcile([group("fleet", QUERY, T0 + 1)]);
    assert.deepEqual(w.iot.groups.get("fleet")?.dynamic, QUERY);
    await w.reconcile([group("fleet", undefined, T0 + 2)]);
    assert.equal(w.iot.groups.get("fleet")?.dynamic, undefined);
    await w.reconcile([item(keys.thingGroup("fleet"), "thingGroup", null, T0 + 3)]);
    assert.equal(w.iot.groups.has("fleet"), false);
    assert.deepEqual(w.letters, []);
  });

  it("makes a static group with child groups dynamic: the groups below go first, deepest first", async () => {
    const w = world();
    const child = (name: string, parent: string) =>
      item(keys.thingGroup(name), "thingGroup", {
        thingGroupName: name,
        parentGroupName: parent,
        description: null,
        attributes: {},
      });
    await w.reconcile([group("fleet"), child("site", "fleet"), child("line", "site")]);
    const before = w.iot.calls.length;
    // IoT refuses to delete a group with child groups: the type change must take them.
    await w.reconcile([group("fleet", QUERY, T0 + 1)]);
    assert.deepEqual(w.letters, []);
    assert.deepEqual(w.iot.groups.get("fleet")?.dynamic, QUERY);
    assert.deepEqual([...w.iot.groups.keys()], ["fleet"]);
    assert.deepEqual(
      w.iot.calls
        .slice(before)
        .map((c) => `${c.api} ${(c.input as { thingGroupName?: string }).thingGroupName}`),
      [
        "DeleteThingGroup line",
        "DeleteThingGroup site",
        "DeleteThingGroup fleet",
        "CreateDynamicThingGroup fleet",
      ],
    );
  });

  it("detaches a group's policies, and its child groups', before deleting them", async () => {
    const w = world();
    await w.reconcile([
      group("fleet"),
      item(keys.thingGroup("site"), "thingGroup", {
        thingGroupName: "site",
        parentGroupName: "fleet",
        description: null,
        attributes: {},
      }),
    ]);
    const arn = (name: string) => `arn:aws:iot:${PLACE.region}:${PLACE.account}:thinggroup/${name}`;
    w.iot.attachments.set("p", new Set([arn("fleet"), arn("site")]));
    const before = w.iot.calls.length;
    await w.reconcile([item(keys.thingGroup("fleet"), "thingGroup", null, T0 + 1)]);
    assert.deepEqual(w.letters, []);
    assert.deepEqual([...w.iot.attachments.get("p")!], []);
    assert.deepEqual(
      w.iot.calls.slice(before).map((c) => {
        const input = c.input as { thingGroupName?: string; target?: string };
        return `${c.api} ${input.thingGroupName ?? input.target!.split("/")[1]}`;
      }),
      [
        "DetachPolicy site",
        "DeleteThingGroup site",
        "DetachPolicy fleet",
        "DeleteThingGroup fleet",
      ],
    );
  });

  it("refuses a membership of a dynamic group with its reason, and drops its tombstone", async () => {
    const w = world();
    await w.reconcile([
      group("fleet", QUERY),
      item(keys.thing("t1"), "thing", { thingName: "t1", thingTypeName: null, attributes: {} }),
    ]);
    const calls = w.iot.calls.length;
    const membership = keys.membership("fleet", "t1");
    await w.reconcile([
      item(membership, "membership", { thingGroupName: "fleet", thingName: "t1" }),
    ]);
    assert.equal(w.letters.length, 1);
    assert.equal(w.letters[0].key, membership);
    assert.match(w.letters[0].reason, /dynamic.*fleet index/);
    assert.equal(w.iot.calls.length, calls, "no AddThingToThingGroup sent");
    await w.reconcile([item(membership, "membership", null, T0 + 1)]);
    assert.equal(w.letters.length, 1, "a tombstone of one is converged: nothing to remove");
  });

  it("moves a thing to another billing group out of its old one first", async () => {
    const w = world();
    const bg = (name: string) =>
      item(keys.billingGroup(name), "billingGroup", { billingGroupName: name, description: "d" });
    const member = (name: string, version: number) =>
      item(
        keys.billingGroupMembership("t1"),
        "billingGroupMembership",
        { thingName: "t1", billingGroupName: name },
        version,
      );
    await w.reconcile([
      bg("b1"),
      bg("b2"),
      item(keys.thing("t1"), "thing", { thingName: "t1", thingTypeName: null, attributes: {} }),
      member("b1", T0),
    ]);
    assert.equal(w.iot.billing.members.get("t1"), "b1");
    await w.reconcile([member("b2", T0 + 1)]);
    assert.equal(w.iot.billing.members.get("t1"), "b2");
    await w.reconcile([
      item(keys.billingGroupMembership("t1"), "billingGroupMembership", null, T0 + 2),
    ]);
    assert.equal(w.iot.billing.members.has("t1"), false);
    assert.deepEqual(w.letters, []);
  });

  it("sweeps billing groups and their things in bulk, and skips a dynamic group's members", async () => {
    const w = world();
    w.iot.things.set("t1", {
      type: null,
      attributes: { v: "1" },
      version: 1,
      principals: new Set(),
    });
    await w.iot.send({
      api: "CreateDynamicThingGroup",
      input: { thingGroupName: "fleet", queryString: QUERY.queryString },
    });
    await w.iot.send({ api: "CreateBillingGroup", input: { billingGroupName: "b1" } });
    await w.iot.send({
      api: "AddThingToBillingGroup",
      input: { billingGroupName: "b1", thingName: "t1" },
    });
    const deps = unpacedSweepDeps({
      table: w.table,
      iot: w.iot,
      place: PLACE,
      clock: w.clock,
      dlq: { send: (l) => Promise.resolve(void w.letters.push(l)) },
    });
    // Two sweeps: the first adopts the objects, the second the memberships of adopted ends.
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps);
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps);
    assert.deepEqual((await w.table.get(keys.thingGroup("fleet")))?.desired?.dynamic, QUERY);
    assert.deepEqual((await w.table.get(keys.billingGroupMembership("t1")))?.desired, {
      thingName: "t1",
      billingGroupName: "b1",
    });
    assert.equal(await w.table.get(keys.membership("fleet", "t1")), undefined);
  });
});
