/**
 * Two orders of arrival the reconciler's unit tests cover (tests/functions/reconciler/fleet.test.ts,
 * tests/functions/capture/stateBased.test.ts), here against moto with the real SDK: a CA-signed
 * certificate that reaches the secondary before its CA, and the echo of the reconciler's own older
 * write that comes back after a newer change. The secondary's reconciler is built from the
 * functions' own factories, as tests/integration/support/world.ts builds it, with the clock or the
 * table port instrumented to place the other region's writes at the moment under test.
 */
import { strict as assert } from "assert";
import {
  AttachThingPrincipalCommand,
  CreateThingCommand,
  DescribeThingCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import { QueryCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import type { RegistryItem } from "../../core/registryItem";
import type { DeadLetter } from "../../functions/reconciler/dlq";
import { reconcilerClients, sdkReconcilerIot } from "../../functions/reconciler/iot";
import { unpaced } from "../../functions/reconciler/pacer";
import { Reconciler } from "../../functions/reconciler/reconcile";
import { latestItems } from "../../functions/reconciler/stream";
import { realClock, type Clock } from "../../functions/shared/clock";
import { dynamoEchoLedger } from "../../functions/shared/echoLedger";
import type { RegistryTablePort } from "../../functions/shared/registryTable";
import { credentialsIn } from "../support/moto";
import { refuseConflictingCreateThing } from "./support/motoBridges";
import { refuseCertificateOfUnregisteredCa } from "./support/unregisteredCa";
import { useTwoRegions, type RegionHarness, type TwoRegionSuite } from "./support/world";
import { assertCaWithItsCertificate, caAndDevice } from "./support/caFixtures";

const attributes = (fw: string) => ({ attributes: { fw }, merge: false });

interface OwnReconciler {
  reconcile(items: RegistryItem[]): Promise<void>;
  /** Every IoT call its client sent (refused ones included): API and time (ms). */
  calls: { api: string; at: number }[];
  letters: DeadLetter[];
}

/**
 * A region's reconciler as the handler builds it (the functions' clients, the echo ledger on the
 * region's table), its calls tapped so they come back as events; `clock` and `table` may be
 * instrumented. moto refuses it a certificate whose CA is not registered, as AWS does.
 */
async function ownReconciler(
  suite: TwoRegionSuite,
  r: RegionHarness,
  options: { clock?: Clock; table?: RegistryTablePort } = {},
): Promise<OwnReconciler> {
  const credentials = await credentialsIn(suite.server, suite.world.account);
  const clients = reconcilerClients({
    endpoint: suite.server.endpoint,
    region: r.name,
    credentials,
  });
  const calls: OwnReconciler["calls"] = [];
  clients.iot.middlewareStack.add(
    (next, context) => (args) => {
      const api = (context as { commandName?: string }).commandName!.replace(/Command$/, "");
      calls.push({ api, at: Date.now() });
      return next(args);
    },
    { step: "initialize", priority: "high", name: "countCalls" },
  );
  refuseConflictingCreateThing(clients.iot, r.direct.iot);
  refuseCertificateOfUnregisteredCa(clients.iot, r.direct.iot);
  r.tap.attach(clients.iot, r.reconcilerRoleArn);
  r.tap.attach(clients.data, r.reconcilerRoleArn);
  const letters: DeadLetter[] = [];
  const reconciler = new Reconciler({
    iot: sdkReconcilerIot(clients),
    table: options.table ?? r.table,
    dlq: { send: (letter) => Promise.resolve(void letters.push(letter)) },
    pacer: unpaced,
    place: r.place,
    clock: options.clock ?? realClock,
    maxConcurrency: 16,
    ledger: dynamoEchoLedger(suite.planned.name, r.doc),
  });
  return {
    calls,
    letters,
    reconcile: async (items) => {
      const report = await reconciler.reconcileAll(items, true);
      assert.deepEqual(report.failed, [], "keys the reconciler could not even dead-letter");
    },
  };
}

/**
 * Pumps the global table twice (a write shows in the other region's stream at the next read) and
 * returns what each region's stream delivered meanwhile.
 */
async function replicate(suite: TwoRegionSuite): Promise<Map<string, DynamoDBRecord[]>> {
  const all = new Map<string, DynamoDBRecord[]>();
  for (let i = 0; i < 2; i++) {
    const { delivered } = await suite.world.bridge.pump();
    for (const [region, records] of delivered) {
      all.set(region, [...(all.get(region) ?? []), ...records]);
    }
  }
  return all;
}

/** One key's rows copied as the global table copies them (the same images), from one region to another. */
async function copyItem(suite: TwoRegionSuite, from: RegionHarness, to: RegionHarness, pk: string) {
  const TableName = suite.planned.name;
  const { Items } = await from.doc.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ConsistentRead: true,
    }),
  );
  assert.ok(Items?.length, `${from.name} has no item ${pk} to replicate`);
  for (const Item of Items) await to.doc.send(new PutCommand({ TableName, Item }));
}

describe("orders of arrival against moto (issue 15)", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("waits with back-off for a certificate's CA that replicates after it, spends no call meanwhile, then registers it with that CA", async () => {
    const { A, B } = suite.world;
    const { caPem, devicePem } = caAndDevice();
    const ca = await A.operator.iot.send(
      new RegisterCACertificateCommand({
        caCertificate: caPem,
        certificateMode: "SNI_ONLY",
        setAsActive: true,
      }),
    );
    const device = await A.operator.iot.send(
      new RegisterCertificateCommand({
        certificatePem: devicePem,
        caCertificatePem: caPem,
        status: "ACTIVE",
      }),
    );
    await A.operator.iot.send(new CreateThingCommand({ thingName: "dev-1" }));
    await A.operator.iot.send(
      new AttachThingPrincipalCommand({ thingName: "dev-1", principal: device.certificateArn }),
    );
    await A.capture();
    const certKey = `certificate#${device.certificateId}`;
    const caKey = `caCertificate#${ca.certificateId}`;
    assert.equal(
      ((await A.table.get(certKey))?.desired as { caCertificateId?: string }).caCertificateId,
      ca.certificateId,
      "A's capture did not record the certificate's CA",
    );

    // Global tables replicate items independently: the certificate's copy lands in B first.
    await copyItem(suite, A, B, certKey);
    const sleeps: number[] = [];
    let callsBeforeCa = -1;
    const clock: Clock = {
      now: () => Date.now(),
      sleep: async (ms) => {
        sleeps.push(ms);
        // Each wait is recorded, none is slept; the CA's copy lands during the second.
        if (callsBeforeCa < 0 && sleeps.length === 2) {
          callsBeforeCa = own.calls.length;
          await copyItem(suite, A, B, caKey);
        }
      },
    };
    const own = await ownReconciler(suite, B, { clock });
    await own.reconcile([(await B.table.get(certKey))!]);

    assert.deepEqual(own.letters, [], "dead-lettered instead of waiting for the CA");
    assert.equal(
      callsBeforeCa,
      0,
      `calls while the CA was missing: ${own.calls.map((c) => c.api).join(", ")}`,
    );
    assert.ok(
      sleeps.length >= 2 && sleeps.length <= 5 && sleeps.every((ms) => ms >= 1 && ms <= 30_000),
      `waits (ms): ${sleeps.join(", ")}`,
    );
    await assertCaWithItsCertificate(B.direct.iot, ca.certificateId!, device.certificateId!);

    // The rest of the device follows through the regions' own functions.
    await suite.world.settle();
    const thing = await B.direct.iot.send(new DescribeThingCommand({ thingName: "dev-1" }));
    assert.equal(thing.thingName, "dev-1");
    for (const r of suite.world.regions) assert.deepEqual(await r.deadLetters(), [], r.name);
  });

  it("does not let the echo of its own older write revert a newer change made meanwhile", async () => {
    const { A, B } = suite.world;
    await A.operator.iot.send(
      new CreateThingCommand({ thingName: "dev-1", attributePayload: attributes("1") }),
    );
    await A.capture();
    const first = (await replicate(suite)).get(B.name) ?? [];
    // While B's reconciler applies fw 1 (it has read the item), fw 2 is made in A and its item
    // reaches B's table: B's write of fw 1 lands after it, and so does its event.
    let newer: DynamoDBRecord[] = [];
    const table: RegistryTablePort = {
      ...B.table,
      get: async (pk) => {
        const item = await B.table.get(pk);
        if (pk === "thing#dev-1" && newer.length === 0) {
          await A.operator.iot.send(
            new UpdateThingCommand({ thingName: "dev-1", attributePayload: attributes("2") }),
          );
          await A.capture();
          newer = (await replicate(suite)).get(B.name) ?? [];
        }
        return item;
      },
    };
    const own = await ownReconciler(suite, B, { table });
    await own.reconcile(latestItems(first).map((i) => i.item));
    assert.ok(newer.length > 0, "the newer change did not reach B meanwhile");
    const inB = await B.direct.iot.send(new DescribeThingCommand({ thingName: "dev-1" }));
    assert.deepEqual(inB.attributes, { fw: "1" }, "B's IoT should hold the older write by now");
    const newerItem = (await B.table.get("thing#dev-1"))!;
    assert.deepEqual((newerItem.desired as { attributes: unknown }).attributes, { fw: "2" });
    const olderWrite = own.calls.find((c) => c.api === "CreateThing");
    assert.ok(
      olderWrite && olderWrite.at >= newerItem.version,
      "the older write (and its event) must come after the newer item: time cannot tell it is old",
    );

    // The echo of fw 1 reaches B's capture now, after the newer item.
    const results = await B.capture();
    assert.ok(
      results.some((r) => r.key === "thing#dev-1" && r.outcome === "echo"),
      `capture's outcomes: ${JSON.stringify(results)}`,
    );
    const kept = (await B.table.get("thing#dev-1"))!;
    assert.deepEqual((kept.desired as { attributes: unknown }).attributes, { fw: "2" });
    assert.equal(kept.sourceRegion, A.name, "the echo moved the owner to B");

    await B.reconcile(newer);
    await suite.world.settle();
    for (const r of suite.world.regions) {
      const thing = await r.direct.iot.send(new DescribeThingCommand({ thingName: "dev-1" }));
      assert.deepEqual(thing.attributes, { fw: "2" }, `${r.name} reverted to the older write`);
      const item = (await r.table.get("thing#dev-1"))!;
      assert.equal(item.sourceRegion, A.name, `${r.name}: owner moved by an echo`);
    }
    for (const r of suite.world.regions) assert.deepEqual(await r.deadLetters(), [], r.name);
  });
});
