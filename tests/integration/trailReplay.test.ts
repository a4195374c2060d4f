/**
 * The trail's log files as capture's durable second delivery (functions/capture/trailLog.ts),
 * against moto with the real SDK: a detach whose EventBridge event is lost reaches the other
 * region from the log file the trail wrote to S3, read by the trail-replay function's reader.
 */
import { strict as assert } from "assert";
import { gzipSync } from "zlib";
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  CreateThingGroupCommand,
  DetachPolicyCommand,
  ListTargetsForPolicyCommand,
} from "@aws-sdk/client-iot";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { trailLogPrefix } from "../../core/capturedCalls";
import type { CloudTrailEvent } from "../../functions/capture/normalize";
import { clientConfig, credentialsIn } from "../support/moto";
import { useTwoRegions, type RegionHarness } from "./support/world";

const DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "iot:Connect", Resource: "*" }],
});

const groupArn = (r: RegionHarness) => `arn:aws:iot:${r.name}:${r.place.account}:thinggroup/g1`;

async function targetsOfP1(r: RegionHarness): Promise<string[]> {
  const out = await r.direct.iot.send(new ListTargetsForPolicyCommand({ policyName: "p1" }));
  return out.targets ?? [];
}

describe("capture from the trail's log files, against moto", function () {
  this.timeout(60_000);
  const suite = useTwoRegions();

  it("recovers a detach whose EventBridge event was lost, in both regions", async () => {
    const { A, B } = suite.world;
    await A.operator.iot.send(new CreateThingGroupCommand({ thingGroupName: "g1" }));
    await A.operator.iot.send(
      new CreatePolicyCommand({ policyName: "p1", policyDocument: DOCUMENT }),
    );
    await A.operator.iot.send(new AttachPolicyCommand({ policyName: "p1", target: groupArn(A) }));
    await suite.world.settle();
    assert.deepEqual(await targetsOfP1(B), [groupArn(B)]);

    await A.operator.iot.send(new DetachPolicyCommand({ policyName: "p1", target: groupArn(A) }));
    // EventBridge's copy is lost: capture never sees it.
    const lost = A.tap.drain() as CloudTrailEvent[];
    assert.deepEqual(
      lost.map((e) => e.detail.eventName),
      ["DetachPolicy"],
    );
    await suite.world.settle();
    assert.deepEqual(await targetsOfP1(B), [groupArn(B)], "without the log file, B keeps it");

    // The trail's log file of the same call, in the trail's bucket, as CloudTrail writes it.
    const credentials = await credentialsIn(suite.server, suite.world.account);
    const s3 = new S3Client({
      ...clientConfig(suite.server, A.name, credentials),
      forcePathStyle: true,
    });
    const bucket = "trail-logs";
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: A.name as never },
      }),
    );
    const key = `${trailLogPrefix(suite.world.account, A.name)}2026/12/08/${suite.world.account}_CloudTrail_${A.name}_20261208T0500Z_AbCdEfGh12345678.json.gz`;
    const record = { eventSource: "iot.amazonaws.com", awsRegion: A.name, ...lost[0].detail };
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: gzipSync(JSON.stringify({ Records: [record] })),
      }),
    );
    const notification = {
      Records: [{ eventSource: "aws:s3", s3: { bucket: { name: bucket }, object: { key } } }],
    };
    const replay = await A.replayTrail(notification, bucket);
    assert.deepEqual(replay.outcomes, { written: 1 });
    await suite.world.settle();
    assert.deepEqual(await targetsOfP1(B), [], "the detach reached B from the log file");
    assert.deepEqual(await targetsOfP1(A), []);
  });
});
