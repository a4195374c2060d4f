/**
 * Capture's reads are calls against the origin region's IoT quotas (DescribeCertificate,
 * ListThingPrincipals, ListAttachedPolicies: 10 TPS). An event whose stated state the table holds
 * already costs none: a certificate's registration event usually arrives after an attachment's
 * capture recorded the certificate (CloudTrail delivers in any order), and read each time it cost
 * 1.7 DescribeCertificate per onboarded device in the benchmark instead of 1.
 */
import { strict as assert } from "assert";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import type { CloudTrailEvent } from "../../../functions/capture/normalize";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import type { RegistryItem } from "../../../core/registryItem";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const T0 = Date.parse("2026-11-26T04:00:00Z");
const PEM = "-----BEGIN CERTIFICATE-----\nMIIreads\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);

const registered = (status: string): CloudTrailEvent => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  account: ACCOUNT,
  detail: {
    eventName: "RegisterCertificateWithoutCA",
    eventTime: new Date(T0).toISOString(),
    userIdentity: {
      sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/onboarding` } },
    },
    requestParameters: { certificatePem: PEM, status },
    responseElements: { certificateId: CERT },
  },
});

async function world() {
  const table = new FakeTable();
  const iot = new FakeIot({ region: "eu-west-1", account: ACCOUNT });
  iot.certs.set(CERT, { pem: PEM, status: "ACTIVE" });
  const recorded: RegistryItem = {
    pk: `certificate#${CERT}`,
    kind: "certificate",
    version: T0 + 20_000,
    updatedAt: new Date(T0 + 20_000).toISOString(),
    updatedBy: "capture:eu-west-1",
    sourceRegion: "eu-west-1",
    deleted: false,
    desired: { certificateId: CERT, certificatePem: PEM, status: "ACTIVE" },
    incarnation: CERT,
  };
  await table.putIfNewer(recorded);
  const port = iot.lookups();
  const reads: string[] = [];
  const deps: CaptureDeps = {
    table,
    iot: { ...port, state: (id, arn) => (reads.push(id.kind), port.state(id, arn)) },
    region: "eu-west-1",
    reconcilerRoleArn: `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`,
    clock: manualClock(T0 + 40_000),
    ledger: memoryEchoLedger(),
  };
  return { table, deps, reads };
}

describe("capture's reads in the origin region", () => {
  it("reads nothing for a registration event of a certificate the table already holds as stated", async () => {
    const { deps, reads } = await world();
    const results = await captureEvent(registered("ACTIVE"), deps);
    assert.deepEqual(results, [{ key: `certificate#${CERT}`, outcome: "unchanged" }]);
    assert.deepEqual(reads, []);
  });

  it("still reads IoT when the event states something other than the table", async () => {
    const { table, deps, reads } = await world();
    const results = await captureEvent(registered("INACTIVE"), deps);
    // IoT's current state (ACTIVE since) decides, not the event's.
    assert.deepEqual(reads, ["certificate"]);
    assert.deepEqual(results, [{ key: `certificate#${CERT}`, outcome: "unchanged" }]);
    assert.equal((await table.get(`certificate#${CERT}`))?.desired?.status, "ACTIVE");
  });
});
