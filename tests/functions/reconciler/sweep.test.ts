import { strict as assert } from "assert";
import { call } from "../../../functions/reconciler/calls";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import {
  parseSweep,
  sweepResult,
  sweepSegment,
  type SweepDeps,
  type SweepRequest,
} from "../../../functions/reconciler/sweep";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import type { RegistryTablePort } from "../../../functions/shared/registryTable";
import {
  fakeCertificateId,
  FakeIot,
  FakeTable,
  manualClock,
  unpacedSweepDeps,
} from "../../support/fakeRegistry";
import { ACCOUNT, PRIMARY, SECONDARY, T0 } from "../../support/sweepPlaces";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIsweep\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);

/** The registry table with DynamoDB's paging: at most `limit` items a page, and a cursor. */
class PagedTable extends FakeTable implements RegistryTablePort {
  scanSegment(
    segment: number,
    totalSegments: number,
    cursor?: Record<string, unknown>,
    limit = 1000,
  ): Promise<{ items: RegistryItem[]; cursor?: Record<string, unknown> }> {
    const all = [...this.items.values()].filter((_, i) => i % totalSegments === segment);
    const from = (cursor?.index as number | undefined) ?? 0;
    const items = structuredClone(all.slice(from, from + limit));
    const more = from + limit < all.length;
    return Promise.resolve({ items, cursor: more ? { index: from + limit } : undefined });
  }
}

const item = (
  pk: string,
  desired: Record<string, unknown>,
  sourceRegion: string,
): RegistryItem => ({
  pk,
  kind: pk.slice(0, pk.indexOf("#")) as RegistryItem["kind"],
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: `capture:${sourceRegion}`,
  deleted: false,
  desired,
  sourceRegion,
});

function world(place: typeof PRIMARY) {
  const table = new PagedTable();
  const iot = new FakeIot(place);
  const clock = manualClock(T0 + 3_600_000);
  const dlq = { send: () => Promise.resolve() };
  const deps = (extra: Partial<SweepDeps> = {}): SweepDeps => ({
    ...unpacedSweepDeps({ table, iot, place, clock, dlq }),
    ...extra,
  });
  return { table, iot, clock, deps };
}

describe("sweep", () => {
  it("does not re-activate a certificate its own region deactivated (the table row is stale)", async () => {
    const { table, iot, deps } = world(PRIMARY);
    // The primary owns the certificate; its deactivation event never reached the table.
    await table.putIfNewer(
      item(
        `certificate#${CERT}`,
        { certificateId: CERT, certificatePem: PEM, status: "ACTIVE" },
        PRIMARY.region,
      ),
    );
    iot.certs.set(CERT, { pem: PEM, status: "INACTIVE" });
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps());
    assert.equal(iot.certs.get(CERT)?.status, "INACTIVE");
    assert.equal(iot.calls.length, 0, "no write to the owning region's IoT");
    // Instead the owning region's state is captured, so the other region converges to it.
    const row = await table.get(`certificate#${CERT}`);
    assert.equal(row?.desired?.status, "INACTIVE");
    assert.equal(row?.version, T0 + 1, "just above the stale row: any real later change wins");
    assert.equal(row?.sourceRegion, PRIMARY.region);
  });

  it("applies a suspension the API wrote in its own region (the table is the source, not IoT)", async () => {
    const { table, iot, deps } = world(PRIMARY);
    // The command & control API of the primary deactivated the certificate: its item, not yet
    // applied to the primary's IoT by the stream reconciler when the sweep comes.
    await table.putIfNewer({
      ...item(
        `certificate#${CERT}`,
        { certificateId: CERT, certificatePem: PEM, status: "INACTIVE" },
        PRIMARY.region,
      ),
      updatedBy: `api:${PRIMARY.region}`,
    });
    iot.certs.set(CERT, { pem: PEM, status: "ACTIVE" });
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps());
    assert.equal(iot.certs.get(CERT)?.status, "INACTIVE", "the API's suspension is applied");
    const row = await table.get(`certificate#${CERT}`);
    assert.equal(row?.desired?.status, "INACTIVE", "not re-activated from the region's IoT");
  });

  it("keeps a change made here after the reconciler applied the other region's item, and captures it", async () => {
    const { table, iot, clock, deps } = world(SECONDARY);
    const ledger = memoryEchoLedger();
    // The primary's item (ACTIVE) was applied here at T0 + 1000; an operator here deactivated the
    // certificate afterwards (during a fail-over) and its event has not been captured yet.
    const theirs = item(
      `certificate#${CERT}`,
      { certificateId: CERT, certificatePem: PEM, status: "ACTIVE" },
      PRIMARY.region,
    );
    await table.putIfNewer(theirs);
    await ledger.record(SECONDARY.region, theirs, T0 + 1000);
    iot.certs.set(CERT, { pem: PEM, status: "INACTIVE" });
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps({ ledger }));
    assert.equal(iot.certs.get(CERT)?.status, "INACTIVE", "not re-activated");
    const row = await table.get(`certificate#${CERT}`);
    assert.equal(row?.desired?.status, "INACTIVE");
    assert.equal(row?.sourceRegion, SECONDARY.region);
    assert.ok(row.version >= clock.now(), "later than the item it supersedes");
  });

  it("keeps a delete made here after the reconciler applied the item, whatever the clocks' skew", async () => {
    const { table, iot, deps } = world(SECONDARY);
    const ledger = memoryEchoLedger();
    const theirs = item(
      "thing#dev-1",
      { thingName: "dev-1", thingTypeName: null, attributes: { fw: "1" } },
      PRIMARY.region,
    );
    await table.putIfNewer(theirs);
    // Applied here by this region's clock, which is 200 ms behind the primary's: the ledger's time
    // is earlier than the item's version, though the write came after the capture.
    await ledger.record(SECONDARY.region, theirs, T0 - 200);
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps({ ledger }));
    assert.equal(iot.things.has("dev-1"), false, "the thing deleted here is not recreated");
    const row = await table.get("thing#dev-1");
    assert.equal(row?.deleted, true, "the delete is captured");
    assert.equal(row?.sourceRegion, SECONDARY.region);
  });

  it("does not recreate a thing its own region deleted, and records the delete", async () => {
    const { table, iot, deps } = world(PRIMARY);
    await table.putIfNewer(
      item(
        "thing#dev-1",
        { thingName: "dev-1", thingTypeName: null, attributes: { fw: "1" } },
        PRIMARY.region,
      ),
    );
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps());
    assert.equal(iot.things.has("dev-1"), false);
    assert.equal(iot.calls.length, 0);
    const row = await table.get("thing#dev-1");
    assert.equal(row?.deleted, true);
    assert.equal(
      row?.expiresAt,
      undefined,
      "a tombstone gets no TTL before every region confirmed it",
    );
  });

  it("leaves a newer change alone when the owning region's IoT agrees with the table", async () => {
    const { table, iot, deps } = world(PRIMARY);
    iot.things.set("dev-1", {
      type: null,
      attributes: { fw: "2" },
      version: 3,
      principals: new Set(),
    });
    await table.putIfNewer(
      item(
        "thing#dev-1",
        { thingName: "dev-1", thingTypeName: null, attributes: { fw: "2" } },
        PRIMARY.region,
      ),
    );
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps());
    assert.equal((await table.get("thing#dev-1"))?.version, T0, "no rewrite");
  });

  it("repairs, in the other region, a missing thing, certificate, attachments and shadow", async () => {
    const { table, iot, deps } = world(SECONDARY);
    const policyDoc = JSON.stringify({ Version: "2012-10-17", Statement: [] });
    for (const i of [
      item(
        "thing#dev-1",
        { thingName: "dev-1", thingTypeName: null, attributes: { fw: "1" } },
        PRIMARY.region,
      ),
      item(
        `certificate#${CERT}`,
        { certificateId: CERT, certificatePem: PEM, status: "ACTIVE" },
        PRIMARY.region,
      ),
      item("policy#fleet", { policyName: "fleet", document: policyDoc }, PRIMARY.region),
      item(
        `policyAttachment#fleet|cert/${CERT}`,
        { policyName: "fleet", target: { type: "cert", id: CERT } },
        PRIMARY.region,
      ),
      item(
        `principalAttachment#dev-1|cert/${CERT}`,
        { thingName: "dev-1", certificateId: CERT },
        PRIMARY.region,
      ),
      item(
        "shadow#dev-1|$classic",
        { thingName: "dev-1", shadowName: null, state: { desired: { on: true } } },
        PRIMARY.region,
      ),
    ])
      await table.putIfNewer(i);
    const report = await sweepSegment({ segment: 0, totalSegments: 1 }, deps());
    assert.deepEqual(report.deadLettered, []);
    assert.equal(report.owned, 0);
    assert.ok(
      iot.things.get("dev-1")?.principals.has(`arn:aws:iot:eu-central-1:${ACCOUNT}:cert/${CERT}`),
    );
    assert.ok(
      iot.attachments.get("fleet")?.has(`arn:aws:iot:eu-central-1:${ACCOUNT}:cert/${CERT}`),
    );
    assert.equal(iot.certs.get(CERT)?.status, "ACTIVE");
    assert.ok(iot.shadows.has("dev-1|"));
  });

  it("records a shadow the table never heard of at the date its metadata gives it, not the sweep's", async () => {
    const { table, iot, clock, deps } = world(PRIMARY);
    iot.clock = clock;
    await iot.send(call("CreateThing", { thingName: "dev-1" }));
    await table.putIfNewer(
      item(
        "thing#dev-1",
        { thingName: "dev-1", thingTypeName: null, attributes: {} },
        PRIMARY.region,
      ),
    );
    // Every event of it lost; updated 10.5 s after T0 on IoT's clock, found an hour later.
    clock.t = T0 + 10_500;
    await iot.send(
      call("UpdateThingShadow", { thingName: "dev-1", payload: { state: { reported: { v: 1 } } } }),
    );
    clock.t = T0 + 3_600_000;
    const report = await sweepSegment({ segment: 0, totalSegments: 1 }, deps());
    assert.ok(report.captured.includes("shadow#dev-1|$classic"));
    const row = await table.get("shadow#dev-1|$classic");
    // GetThingShadow's metadata has whole seconds: no later than the update.
    assert.equal(row?.version, T0 + 10_000);
    assert.equal(row?.sourceRegion, PRIMARY.region);
    assert.deepEqual(row?.desired, {
      thingName: "dev-1",
      shadowName: null,
      state: { reported: { v: 1 } },
    });
  });

  it("repairs drift of an item this region's reconciler already applied (the echo ledger is not IoT)", async () => {
    const { table, iot, clock, deps } = world(SECONDARY);
    const thing = item(
      "thing#dev-1",
      { thingName: "dev-1", thingTypeName: null, attributes: { fw: "1" } },
      PRIMARY.region,
    );
    await table.putIfNewer(thing);
    const ledger = memoryEchoLedger();
    const reconciler = () =>
      new Reconciler({
        iot,
        table,
        dlq: { send: () => Promise.reject(new Error("nothing to dead-letter")) },
        pacer: unpaced,
        place: SECONDARY,
        clock,
        maxConcurrency: 4,
        ledger,
      });
    // The stream converged it (and recorded it); then someone changed it behind the platform.
    await reconciler().reconcileAll([thing], true);
    assert.equal(iot.things.get("dev-1")?.attributes.fw, "1");
    iot.things.get("dev-1")!.attributes.fw = "0.9";
    await sweepSegment({ segment: 0, totalSegments: 1 }, deps({ reconciler }));
    assert.equal(iot.things.get("dev-1")?.attributes.fw, "1", "the sweep trusted the ledger");
  });

  it("stops starting pages at the deadline and continues where it stopped in the next invocation", async () => {
    const { table, iot, clock, deps } = world(SECONDARY);
    for (let i = 0; i < 25; i++) {
      await table.putIfNewer(
        item(
          `thing#dev-${i}`,
          { thingName: `dev-${i}`, thingTypeName: null, attributes: {} },
          PRIMARY.region,
        ),
      );
    }
    let request: SweepRequest | undefined = { segment: 0, totalSegments: 1 };
    let invocations = 0;
    while (request) {
      invocations += 1;
      // Each page takes a minute of this invocation's time; the deadline admits two pages.
      const started = clock.now();
      const slowTable = Object.create(table) as PagedTable;
      slowTable.scanSegment = async (...args) => {
        clock.t += 60_000;
        return table.scanSegment(...args);
      };
      const report = await sweepSegment(
        request,
        deps({ table: slowTable, pageSize: 5, deadline: started + 90_000 }),
      );
      const result = sweepResult(report);
      // What Step Functions carries to the next invocation is JSON.
      request = result.next ? parseSweep(JSON.parse(JSON.stringify(result.next))) : undefined;
      assert.ok(invocations < 10, "the sweep ends");
    }
    assert.equal(invocations, 3);
    assert.equal(iot.things.size, 25, "every item converged exactly once across the invocations");
  });

  it("captures memberships whose events were lost from the group's paged listing, across invocations", async () => {
    const { table, iot, clock, deps } = world(PRIMARY);
    const things = ["dev-0", "dev-1", "dev-2", "dev-3", "dev-4"];
    await iot.send(call("CreateThingGroup", { thingGroupName: "fleet" }));
    await table.putIfNewer(
      item(
        "thingGroup#fleet",
        { thingGroupName: "fleet", parentGroupName: null, description: null, attributes: {} },
        PRIMARY.region,
      ),
    );
    for (const thingName of things) {
      await iot.send(call("CreateThing", { thingName }));
      await iot.send(call("AddThingToThingGroup", { thingGroupName: "fleet", thingName }));
      await table.putIfNewer(
        item(
          `thing#${thingName}`,
          { thingName, thingTypeName: null, attributes: {} },
          PRIMARY.region,
        ),
      );
    }
    // IoT lists a group's things 2 a page here, each page a minute of the invocation's time.
    const paged = Object.create(iot) as FakeIot;
    paged.listContained = async (container, name, cursor) => {
      clock.t += 60_000;
      const { names } = await iot.listContained(container, name);
      const from = Number(cursor ?? 0);
      const more = from + 2 < names.length;
      return { names: names.slice(from, from + 2), ...(more ? { cursor: String(from + 2) } : {}) };
    };
    let request: SweepRequest | undefined = { segment: 0, totalSegments: 1 };
    const continuations: unknown[] = [];
    for (let invocations = 0; request; invocations++) {
      assert.ok(invocations < 10, "the sweep ends");
      const report = await sweepSegment(
        request,
        deps({ iot: paged, deadline: clock.now() + 90_000 }),
      );
      const result = sweepResult(report);
      continuations.push(result.next?.sweep.continuation);
      request = result.next ? parseSweep(JSON.parse(JSON.stringify(result.next))) : undefined;
    }
    assert.ok(
      continuations.some((c) => (c as { within?: { name: string } })?.within?.name === "fleet"),
      "an invocation stopped inside the group's listing",
    );
    for (const thingName of things) {
      const membership = await table.get(`membership#fleet|${thingName}`);
      assert.deepEqual(membership?.desired, { thingGroupName: "fleet", thingName });
      assert.equal(membership?.sourceRegion, PRIMARY.region);
    }
  });

  it("refuses a malformed continuation, naming what it expected", () => {
    assert.throws(
      () =>
        parseSweep({ sweep: { segment: 0, totalSegments: 1, continuation: { phase: "table" } } }),
      /sweep: expected continuation/,
    );
    const inside = { phase: "list", kind: 7, within: { name: 7 } };
    assert.throws(
      () => parseSweep({ sweep: { segment: 0, totalSegments: 1, continuation: inside } }),
      /within\?:\{name,next\?\}/,
    );
    // The named shadows' names a table phase carries: strings only.
    const names = { phase: "table", cursor: { pk: "thing#a" }, shadowNames: ["cfg", 7] };
    assert.throws(
      () => parseSweep({ sweep: { segment: 0, totalSegments: 1, continuation: names } }),
      /sweep: expected continuation/,
    );
    const carried = { ...names, shadowNames: ["cfg"] };
    assert.deepEqual(
      parseSweep({ sweep: { segment: 0, totalSegments: 1, continuation: carried } })?.continuation,
      carried,
    );
  });
});
