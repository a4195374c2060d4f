/**
 * Issue 22, "Three orders": a row's version is the time of the change its event reports, raised
 * above what this region's IoT is known to have held, never the time capture ran
 * (docs/convergence.md, rule 1), so a late capture (events queued in a region that was down) keeps
 * its change's place before the changes made since in the other region.
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import type { RulePayload } from "../../../functions/capture/normalize";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import { FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const T0 = Date.parse("2026-11-26T04:00:00Z");

function world() {
  const table = new FakeTable();
  const iot = new FakeIot({ region: "eu-west-1", account: ACCOUNT });
  const clock = manualClock(T0);
  const ledger = memoryEchoLedger();
  const deps: CaptureDeps = {
    table,
    iot: iot.lookups(),
    region: "eu-west-1",
    reconcilerRoleArn: `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`,
    clock,
    ledger,
  };
  return { table, iot, clock, ledger, deps };
}

const updated = (at: number): RulePayload => ({
  topic: "$aws/events/thing/dev-1/updated",
  receivedAt: at + 300,
  timestamp: at,
  eventType: "THING_EVENT",
  operation: "UPDATED",
  thingName: "dev-1",
  versionNumber: 2,
  thingTypeName: null,
  attributes: {},
});

const thingItem = (version: number, fw: string, region: string): RegistryItem => ({
  pk: "thing#dev-1",
  kind: "thing",
  version,
  updatedAt: new Date(version).toISOString(),
  updatedBy: `capture:${region}`,
  sourceRegion: region,
  deleted: false,
  desired: { thingName: "dev-1", thingTypeName: null, attributes: { fw } },
});

describe("capture orders a change by its time (issue 22, three orders)", () => {
  it("versions a change captured late by its event's time, not by when capture ran", async () => {
    const { table, iot, clock, deps } = world();
    await iot.send({
      api: "CreateThing",
      input: { thingName: "dev-1", attributePayload: { attributes: { fw: "2" } } },
    });
    await table.putIfNewer(thingItem(T0 - 60_000, "1", "eu-west-1"));
    // The event of a change made at T0 arrives five minutes later (a region back from an outage).
    clock.t = T0 + 300_000;
    assert.deepEqual(await captureEvent(updated(T0), deps), [
      { key: "thing#dev-1", outcome: "written" },
    ]);
    assert.equal((await table.get("thing#dev-1"))!.version, T0);
  });

  it("versions a registry event by its millisecond timestamp, with the account the handler passes", async () => {
    // The handler always passes the function's account. Only CloudTrail's eventTime has whole
    // seconds (+999 ms); a registry event's timestamp is exact, and a raised one made the echo of
    // the reconciler's own write (its ledger `at`) look later than the write, so it was captured.
    const { table, iot, deps } = world();
    await iot.send({
      api: "CreateThing",
      input: { thingName: "dev-1", attributePayload: { attributes: { fw: "2" } } },
    });
    await table.putIfNewer(thingItem(T0 - 60_000, "1", "eu-west-1"));
    await captureEvent(updated(T0), { ...deps, account: ACCOUNT });
    assert.equal((await table.get("thing#dev-1"))!.version, T0);
  });

  it("leaves to the other region's later row a change older than it, however late it is read", async () => {
    const { table, iot, clock, deps } = world();
    await iot.send({
      api: "CreateThing",
      input: { thingName: "dev-1", attributePayload: { attributes: { fw: "2" } } },
    });
    // Changed in eu-central-1 during the outage, after the change this region made at T0.
    await table.putIfNewer(thingItem(T0 + 60_000, "3", "eu-central-1"));
    clock.t = T0 + 300_000;
    assert.deepEqual(await captureEvent(updated(T0), deps), [
      { key: "thing#dev-1", outcome: "stale" },
    ]);
    assert.deepEqual((await table.get("thing#dev-1"))!.desired, thingItem(0, "3", "x").desired);
  });

  it("raises a change above the version its reconciler applied here, whatever the clocks say", async () => {
    const { table, iot, clock, ledger, deps } = world();
    // The other region's clock is ahead: its row is versioned after this region's next change.
    const theirs = thingItem(T0 + 5_000, "1", "eu-central-1");
    await table.putIfNewer(theirs);
    await iot.send({
      api: "CreateThing",
      input: { thingName: "dev-1", attributePayload: { attributes: { fw: "1" } } },
    });
    await ledger.record("eu-west-1", theirs, T0);
    // A user changes it here after the reconciler applied theirs: causally later.
    iot.things.get("dev-1")!.attributes = { fw: "2" };
    clock.t = T0 + 1_000;
    assert.deepEqual(await captureEvent(updated(T0 + 1_000), deps), [
      { key: "thing#dev-1", outcome: "written" },
    ]);
    assert.equal((await table.get("thing#dev-1"))!.version, T0 + 5_001);
  });
});
