/**
 * The stream hashes each key onto a lane, so a device's certificate and its attachments reach the
 * reconciler in different containers, in any order. An attach sent before its certificate is here
 * fails and still costs a call of a 10-TPS quota (AttachPolicy); the certificate created twice,
 * a RegisterCertificateWithoutCA and a DescribeCertificate. Measured in the benchmark before:
 * RegisterCertificateWithoutCA 1.41, AttachPolicy 1.16 calls per device in the secondary.
 */
import { strict as assert } from "assert";
import type { DeadLetter } from "../../../functions/reconciler/dlq";
import { unpaced, type Pacer } from "../../../functions/reconciler/pacer";
import { Reconciler } from "../../../functions/reconciler/reconcile";
import { memoryEchoLedger, type EchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const PLACE = { region: "eu-central-1", account: "111111111111" };
const T0 = Date.parse("2026-11-26T04:00:00Z");
const PEM = "-----BEGIN CERTIFICATE-----\nMIIlanes\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);

const item = (pk: string, kind: RegistryItem["kind"], desired: object): RegistryItem => ({
  pk,
  kind,
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: { ...desired },
});
const thing = item("thing#dev-1", "thing", {
  thingName: "dev-1",
  thingTypeName: null,
  attributes: {},
});
const certificate = item(`certificate#${CERT}`, "certificate", {
  certificateId: CERT,
  certificatePem: PEM,
  status: "ACTIVE",
});
const attachment = item(`principalAttachment#dev-1|cert/${CERT}`, "principalAttachment", {
  thingName: "dev-1",
  certificateId: CERT,
});

async function region() {
  const table = new FakeTable();
  for (const i of [thing, certificate, attachment]) await table.putIfNewer(i);
  const iot = new FakeIot(PLACE);
  const ledger = memoryEchoLedger();
  const letters: DeadLetter[] = [];
  /** One container: its own reconciler (and memory), the region's IoT, table and ledger. */
  const container = (pacer: Pacer = unpaced, shared: EchoLedger = ledger) =>
    new Reconciler({
      iot,
      table,
      dlq: { send: (l) => Promise.resolve(void letters.push(l)) },
      pacer,
      place: PLACE,
      clock: manualClock(T0),
      maxConcurrency: 4,
      ledger: shared,
    });
  return { iot, letters, container };
}

describe("records of one device on different stream lanes", () => {
  it("converges an attachment's certificate and thing first, never sending an attach that fails", async () => {
    const { iot, letters, container } = await region();
    await container().reconcileAll([attachment], true);
    assert.deepEqual(letters, []);
    assert.deepEqual(
      iot.calls.map((c) => c.api),
      ["CreateThing", "RegisterCertificateWithoutCA", "AttachThingPrincipal"],
    );
  });

  it("then makes no IoT call for the certificate's own record in another container", async () => {
    const { iot, container } = await region();
    await container().reconcileAll([attachment], true);
    const before = iot.calls.length;
    await container().reconcileAll([certificate, thing], true);
    assert.equal(iot.calls.length, before);
  });

  it("does not create what another container created while this one waited for its turn", async () => {
    const { iot, container } = await region();
    const first: Promise<unknown>[] = [];
    // This container's turn for the create comes after the other container has converged it.
    const waiting: Pacer = {
      take: async (api) => {
        if (api === "RegisterCertificateWithoutCA") await first[0];
      },
      refund: () => undefined,
    };
    first.push(container().reconcileAll([certificate], true));
    await Promise.all([first[0], container(waiting).reconcileAll([certificate], true)]);
    assert.deepEqual(
      iot.calls.map((c) => c.api),
      ["RegisterCertificateWithoutCA"],
    );
  });

  it("gives back the turn it waited for when another container created it meanwhile", async () => {
    const { iot, container } = await region();
    const first: Promise<unknown>[] = [];
    const refunded: string[] = [];
    const waiting: Pacer = {
      take: async (api) => {
        if (api === "RegisterCertificateWithoutCA") await first[0];
      },
      refund: (api) => void refunded.push(api),
    };
    first.push(container().reconcileAll([certificate], true));
    await Promise.all([first[0], container(waiting).reconcileAll([certificate], true)]);
    // The turn was not used (one call in all): RegisterCertificateWithoutCA's quota is 10 TPS.
    assert.equal(iot.calls.length, 1);
    assert.deepEqual(refunded, ["RegisterCertificateWithoutCA"]);
  });
});
