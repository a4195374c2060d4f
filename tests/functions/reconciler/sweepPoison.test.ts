/**
 * Poison never blocks (issue 22): a hand-edited item no reader can parse goes to the DLQ with its
 * reason, in the sweep as in the stream path, and every other item of its page is still swept.
 * Before, the sweep added 1 to a string `version` ("5" + 1 = "51"), the schema refused the write,
 * and the segment threw on every run (hidden by the Distributed Map's tolerated failures).
 */
import { strict as assert } from "assert";
import type { DeadLetter } from "../../../functions/reconciler/dlq";
import { sweepSegment } from "../../../functions/reconciler/sweep";
import type { RegistryItem } from "../../../core/registryItem";
import { FakeIot, FakeTable, manualClock, unpacedSweepDeps } from "../../support/fakeRegistry";

const PRIMARY = { region: "eu-west-1", account: "111111111111" };
const T0 = Date.parse("2026-11-26T04:00:00Z");

const thing = (name: string, fw: string): RegistryItem => ({
  pk: `thing#${name}`,
  kind: "thing",
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: `capture:${PRIMARY.region}`,
  sourceRegion: PRIMARY.region,
  deleted: false,
  desired: { thingName: name, thingTypeName: null, attributes: { fw } },
});

describe("sweep: poison never blocks", () => {
  it("dead-letters a hand-edited item with its reason and sweeps the rest of its page", async () => {
    const table = new FakeTable();
    const iot = new FakeIot(PRIMARY);
    const letters: DeadLetter[] = [];
    const dlq = { send: (letter: DeadLetter) => Promise.resolve(void letters.push(letter)) };
    const clock = manualClock(T0 + 60_000);
    // Owned by this region, so the sweep reads it back from IoT: the path that threw.
    const poisoned = { ...thing("dev-0", "1"), version: "5" } as unknown as RegistryItem;
    table.items.set(poisoned.pk, poisoned);
    const unknownKind = { ...thing("dev-9", "1"), pk: "gadget#dev-9" };
    table.items.set(unknownKind.pk, unknownKind);
    await table.putIfNewer(thing("dev-1", "1"));
    for (const [name, fw] of [
      ["dev-0", "2"],
      ["dev-1", "2"],
    ]) {
      iot.things.set(name, { type: null, attributes: { fw }, version: 2, principals: new Set() });
    }
    const report = await sweepSegment(
      { segment: 0, totalSegments: 1 },
      unpacedSweepDeps({ table, iot, place: PRIMARY, clock, dlq }),
    );
    assert.deepEqual(letters.map((l) => l.key).sort(), ["gadget#dev-9", "thing#dev-0"]);
    assert.match(letters.find((l) => l.key === "thing#dev-0")!.reason, /version/);
    assert.deepEqual(report.failed, []);
    // The good item of the same page: its lost event repaired from this region's IoT.
    assert.deepEqual(report.captured, ["thing#dev-1"]);
    assert.deepEqual((await table.get("thing#dev-1"))?.desired?.attributes, { fw: "2" });
    // The poisoned item stays as it was, for an operator to mend (no write over it).
    assert.equal((await table.get("thing#dev-0"))?.version, "5");
  });

  it("goes on when the DLQ itself refuses a letter: only that key is reported failed", async () => {
    const table = new FakeTable();
    const iot = new FakeIot(PRIMARY);
    const clock = manualClock(T0 + 60_000);
    const poisoned = { ...thing("dev-0", "1"), version: "5" } as unknown as RegistryItem;
    table.items.set(poisoned.pk, poisoned);
    await table.putIfNewer(thing("dev-1", "1"));
    iot.things.set("dev-1", {
      type: null,
      attributes: { fw: "2" },
      version: 2,
      principals: new Set(),
    });
    const dlq = { send: () => Promise.reject(new Error("AccessDenied")) };
    const report = await sweepSegment(
      { segment: 0, totalSegments: 1 },
      unpacedSweepDeps({ table, iot, place: PRIMARY, clock, dlq }),
    );
    assert.deepEqual(report.failed, ["thing#dev-0"]);
    assert.deepEqual(report.captured, ["thing#dev-1"]);
  });
});
