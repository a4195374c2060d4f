/**
 * Issue 15's findings on the reconciler's waits: a dependency that is not replicated yet is waited
 * for with jittered, bounded back-off (it was retried 4 times within milliseconds, then
 * dead-lettered), a DeleteThing right after a detach is retried while the detach propagates, and a
 * thing group hierarchy converges to IoT's depth of 7 (it stopped at 3).
 */
import { strict as assert } from "assert";
import { backoffDelay, DEPENDENCY_BACKOFF } from "../../../functions/reconciler/backoff";
import type { DeadLetter } from "../../../functions/reconciler/dlq";
import { unpaced } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import type { RegistryItem } from "../../../core/registryItem";
import { fakeCertificateId, FakeIot, FakeTable, hookedClock } from "../../support/fakeRegistry";

const PLACE = { region: "eu-central-1", account: "111111111111" };
const T0 = Date.parse("2026-11-26T04:00:00Z");
const PEM = "-----BEGIN CERTIFICATE-----\nMIIwait\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);

const item = (
  pk: string,
  kind: RegistryItem["kind"],
  desired: Record<string, unknown> | null,
): RegistryItem => ({
  pk,
  kind,
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: desired === null,
  desired,
});

function region(table: FakeTable) {
  const iot = new FakeIot(PLACE);
  const timed = hookedClock(T0);
  const { sleeps, hooks } = timed;
  const letters: DeadLetter[] = [];
  const reconciler = new Reconciler({
    iot,
    table,
    dlq: { send: (l) => Promise.resolve(void letters.push(l)) },
    pacer: unpaced,
    place: PLACE,
    clock: timed,
    maxConcurrency: 4,
  });
  return { iot, clock: timed, sleeps, letters, hooks, reconciler };
}

describe("reconciler waits (issue 15)", () => {
  it("waits with jittered, bounded back-off for a certificate that replicates after its attachment", async () => {
    const table = new FakeTable();
    const thing = item("thing#dev-1", "thing", {
      thingName: "dev-1",
      thingTypeName: null,
      attributes: {},
    });
    const attachment = item(`principalAttachment#dev-1|cert/${CERT}`, "principalAttachment", {
      thingName: "dev-1",
      certificateId: CERT,
    });
    await table.putIfNewer(thing);
    await table.putIfNewer(attachment);
    const r = region(table);
    // The certificate's item reaches this region's table 5 s later (replication lag).
    r.hooks.push(async (now) => {
      if (now >= T0 + 5000 && !(await table.get(`certificate#${CERT}`))) {
        await table.putIfNewer(
          item(`certificate#${CERT}`, "certificate", {
            certificateId: CERT,
            certificatePem: PEM,
            status: "ACTIVE",
          }),
        );
      }
    });
    await r.reconciler.reconcileAll([thing, attachment], true);
    assert.deepEqual(r.letters, [], "dead-lettered instead of waiting");
    assert.equal(r.iot.snapshot().things["dev-1"].principals.length, 1);
    assert.ok(r.sleeps.length > 0 && r.sleeps.every((ms) => ms > 0 && ms <= 30_000));
  });

  it("bounds and jitters each wait", () => {
    for (let attempt = 1; attempt <= DEPENDENCY_BACKOFF.attempts; attempt++) {
      const ceiling = Math.min(30_000, 200 * 2 ** (attempt - 1));
      assert.equal(
        backoffDelay(attempt, DEPENDENCY_BACKOFF, () => 0.999999),
        ceiling - 1,
      );
      assert.equal(
        backoffDelay(attempt, DEPENDENCY_BACKOFF, () => 0),
        1,
      );
    }
  });

  it("retries DeleteThing while a detach propagates", async () => {
    const table = new FakeTable();
    const r = region(table);
    r.iot.detachLagMs = 3000;
    r.iot.clock = r.clock;
    r.iot.certs.set(CERT, { pem: PEM, status: "ACTIVE" });
    r.iot.things.set("dev-1", {
      type: null,
      attributes: {},
      version: 1,
      principals: new Set([`arn:aws:iot:${PLACE.region}:${PLACE.account}:cert/${CERT}`]),
    });
    const tombstone = { ...item("thing#dev-1", "thing", null), expiresAt: T0 / 1000 + 3600 };
    await table.putIfNewer(tombstone);
    await r.reconciler.reconcileAll([tombstone], true);
    assert.deepEqual(r.letters, []);
    assert.equal(r.iot.things.has("dev-1"), false);
  });

  it("creates a thing group 7 levels deep when only its leaf's membership is in the batch", async () => {
    const table = new FakeTable();
    const names = ["l1", "l2", "l3", "l4", "l5", "l6", "l7"];
    for (const [i, name] of names.entries()) {
      await table.putIfNewer(
        item(`thingGroup#${name}`, "thingGroup", {
          thingGroupName: name,
          parentGroupName: i === 0 ? null : names[i - 1],
          description: null,
          attributes: {},
        }),
      );
    }
    const thing = item("thing#dev-1", "thing", {
      thingName: "dev-1",
      thingTypeName: null,
      attributes: {},
    });
    const membership = item("membership#l7|dev-1", "membership", {
      thingGroupName: "l7",
      thingName: "dev-1",
    });
    await table.putIfNewer(thing);
    await table.putIfNewer(membership);
    const r = region(table);
    await r.reconciler.reconcileAll([membership], true);
    assert.deepEqual(r.letters, []);
    assert.deepEqual([...r.iot.groups.keys()].sort(), names);
    assert.ok(r.iot.memberships.has("l7|dev-1"));
  });
});
