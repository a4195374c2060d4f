/**
 * The trail's log files as capture's second, durable delivery of CloudTrail records
 * (functions/capture/trailLog.ts): which objects it reads, which records it takes, and that a
 * change whose EventBridge copy was lost reaches the table from the log file.
 */
import { strict as assert } from "assert";
import { gzipSync } from "node:zlib";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { captureEvent, type CaptureDeps } from "../../../functions/capture/capture";
import {
  capturedRecords,
  isS3Notification,
  notifiedLogFiles,
  replayTrailLogs,
  s3TrailLogs,
  type TrailLogPort,
} from "../../../functions/capture/trailLog";
import type { CloudTrailEvent } from "../../../functions/capture/normalize";
import { memoryEchoLedger } from "../../../functions/shared/echoLedger";
import { fakeCertificateId, FakeIot, FakeTable, manualClock } from "../../support/fakeRegistry";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";
const BUCKET = "iot-dr-trail-logs";
const PLACE = { bucket: BUCKET, account: ACCOUNT, region: REGION };
const KEY = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/12/08/${ACCOUNT}_CloudTrail_${REGION}_20261208T0410Z_AbCdEfGh12345678.json.gz`;
const OPS = `arn:aws:iam::${ACCOUNT}:role/ops`;
const RECONCILER = `arn:aws:iam::${ACCOUNT}:role/iot-dr-reconciler`;
const PEM = "-----BEGIN CERTIFICATE-----\nMIItrail\n-----END CERTIFICATE-----";
const CERT = fakeCertificateId(PEM);
const CERT_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${CERT}`;
const ATTACHMENT = `policyAttachment#fleet|cert/${CERT}`;
const KEY2 = KEY.replace("AbCdEfGh", "ZyXwVuTs");

const notification = (key: string, bucket = BUCKET) => ({
  Records: [
    {
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: bucket }, object: { key } },
    },
  ],
});

const record = (eventName: string, fields: Record<string, unknown> = {}) => ({
  eventVersion: "1.09",
  eventSource: "iot.amazonaws.com",
  eventName,
  awsRegion: REGION,
  eventTime: "2026-12-08T04:05:06Z",
  eventID: `id-${eventName}`,
  recipientAccountId: ACCOUNT,
  userIdentity: { sessionContext: { sessionIssuer: { arn: OPS } } },
  requestParameters: { certificateId: CERT, newStatus: "INACTIVE" },
  responseElements: null,
  ...fields,
});

const logFile = (records: unknown[]) => gzipSync(JSON.stringify({ Records: records }));

const filesOf = (files: Record<string, Uint8Array>): TrailLogPort => ({
  read: (bucket, key) => {
    const bytes = bucket === BUCKET ? files[key] : undefined;
    return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`NoSuchKey ${key}`));
  },
});

describe("capture from the trail's log files", () => {
  it("reads only this region's log files in the trail's bucket, keys URL-decoded", () => {
    assert.deepEqual(notifiedLogFiles(notification(KEY), PLACE), [KEY]);
    const spaced = KEY.replace("AbCd", "A b");
    assert.deepEqual(notifiedLogFiles(notification(spaced.replace(/ /g, "+")), PLACE), [spaced]);
    const refused: [string, string][] = [
      [KEY, "another-bucket"],
      [KEY.replace("/CloudTrail/", "/CloudTrail-Digest/"), BUCKET],
      [KEY.replace(`/${REGION}/`, "/eu-central-1/"), BUCKET],
      [KEY.replace(ACCOUNT, "222222222222"), BUCKET],
      [KEY.replace(".json.gz", ".json"), BUCKET],
      [`other/${KEY}`, BUCKET],
    ];
    for (const [key, bucket] of refused) {
      assert.throws(
        () => notifiedLogFiles(notification(key, bucket), PLACE),
        /trail log notification Records\[0\]\.s3\.(bucket\.name|object\.key): expected/,
        `${bucket}/${key}`,
      );
    }
  });

  it("takes the IoT records capture reads, made in this region, in EventBridge's envelope", () => {
    const bytes = logFile([
      record("UpdateCertificate"),
      record("DescribeCertificate"),
      record("UpdateCertificate", { awsRegion: "eu-central-1", eventID: "elsewhere" }),
      record("PutObject", { eventSource: "s3.amazonaws.com" }),
      record("AttachPolicy", { errorCode: "ResourceNotFoundException" }),
    ]);
    const taken = capturedRecords(bytes, "here", PLACE);
    assert.deepEqual(
      taken.map((e) => [
        e["detail-type"],
        e.source,
        e.account,
        e.detail.eventName,
        e.detail.errorCode,
      ]),
      [
        ["AWS API Call via CloudTrail", "aws.iot", ACCOUNT, "UpdateCertificate", undefined],
        [
          "AWS API Call via CloudTrail",
          "aws.iot",
          ACCOUNT,
          "AttachPolicy",
          "ResourceNotFoundException",
        ],
      ],
    );
  });

  it("refuses a file that is not gzip JSON with Records, naming the file", () => {
    assert.throws(
      () => capturedRecords(Buffer.from("{}"), "s3://b/k", PLACE),
      /trail log s3:\/\/b\/k: expected gzip JSON/,
    );
    assert.throws(
      () => capturedRecords(gzipSync('{"records":[]}'), "s3://b/k", PLACE),
      /trail log s3:\/\/b\/k: expected \{"Records"/,
    );
  });

  it("recovers a change whose EventBridge copy was lost, dated by its eventTime", async () => {
    const table = new FakeTable();
    const iot = new FakeIot({ region: REGION, account: ACCOUNT });
    iot.certs.set(CERT, { pem: PEM, status: "ACTIVE" });
    await iot.send({ api: "CreatePolicy", input: { policyName: "fleet", policyDocument: "{}" } });
    await iot.send({ api: "AttachPolicy", input: { policyName: "fleet", target: CERT_ARN } });
    const deps: CaptureDeps = {
      table,
      iot: iot.lookups(),
      region: REGION,
      reconcilerRoleArn: RECONCILER,
      // Capture runs minutes after the call: the row still takes the call's time.
      clock: manualClock(Date.parse("2026-12-08T04:12:00Z")),
      ledger: memoryEchoLedger(),
      account: ACCOUNT,
    };
    const attach = (arn: string) =>
      record("AttachPolicy", {
        userIdentity: { sessionContext: { sessionIssuer: { arn } } },
        requestParameters: { policyName: "fleet", target: CERT_ARN },
      });
    const files = filesOf({ [KEY]: logFile([attach(RECONCILER)]), [KEY2]: logFile([attach(OPS)]) });
    const capture = (e: CloudTrailEvent) => captureEvent(e, deps);
    // The reconciler's own call, replayed from the log, is an echo as its EventBridge copy is.
    const echo = await replayTrailLogs(notification(KEY), PLACE, files, capture);
    assert.deepEqual(echo.outcomes, { echo: 1 });
    assert.equal(await table.get(ATTACHMENT), undefined);
    const replay = await replayTrailLogs(notification(KEY2), PLACE, files, capture);
    assert.equal(replay.records, 1);
    const item = (await table.get(ATTACHMENT))!;
    assert.deepEqual(item.desired, { policyName: "fleet", target: { type: "cert", id: CERT } });
    // Whole-second eventTime, raised by 999 ms (docs/convergence.md, rule 1).
    assert.equal(item.version, Date.parse("2026-12-08T04:05:06Z") + 999);
    assert.equal(item.sourceRegion, REGION);
  });

  it("captures the other records when one fails, then fails naming it", async () => {
    const seen: string[] = [];
    const files = filesOf({
      [KEY]: logFile([record("AttachPolicy", { eventID: "bad" }), record("UpdateCertificate")]),
    });
    await assert.rejects(
      replayTrailLogs(notification(KEY), PLACE, files, (e) => {
        seen.push(e.detail.eventName);
        if (e.detail.eventName === "AttachPolicy") return Promise.reject(new Error("poison"));
        return Promise.resolve([{ outcome: "written" }]);
      }),
      /1 record\(s\) failed: s3:\/\/iot-dr-trail-logs\/AWSLogs\/.* AttachPolicy bad: Error: poison/,
    );
    assert.deepEqual(seen, ["AttachPolicy", "UpdateCertificate"]);
  });

  it("recognises S3 notifications and reads the object S3 names", async () => {
    assert.ok(isS3Notification(notification(KEY)));
    assert.ok(!isS3Notification({ Records: [{ eventSource: "aws:sqs" }] }));
    assert.ok(!isS3Notification({ "detail-type": "AWS API Call via CloudTrail", detail: {} }));
    const s3 = mockClient(S3Client);
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: KEY }).resolves({
      // The SDK's stream body, reduced to the one method the port uses.
      Body: { transformToByteArray: () => Promise.resolve(Buffer.from("abc")) } as never,
    });
    const bytes = await s3TrailLogs(new S3Client({ region: REGION })).read(BUCKET, KEY);
    assert.equal(Buffer.from(bytes).toString(), "abc");
    s3.restore();
  });
});
