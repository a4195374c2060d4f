import { strict as assert } from "assert";
import { trailLogPrefix } from "../../../core/capturedCalls";
import {
  TRAIL_REPLAY_CONCURRENCY,
  TRAIL_REPLAY_TIMEOUT_SECONDS,
} from "../../../core/reconcilerSizing";
import { ofType, ownStack } from "../../support/ownStacks";
import { IOT_ACCOUNT, PolicyStatement, REGIONS, named, statement, statementsOf } from "./support";

const FUNCTION = "aws:lambda/function:Function";
const NOTIFICATION = "aws:s3/bucketNotification:BucketNotification";
const PERMISSION = "aws:lambda/permission:Permission";

interface LambdaNotification {
  lambdaFunctionArn: string;
  events: string[];
  filterPrefix: string;
  filterSuffix: string;
}

/** Whether S3 would notify for `key` under a notification's prefix and suffix filters. */
const notifies = (n: LambdaNotification, key: string) =>
  key.startsWith(n.filterPrefix) && key.endsWith(n.filterSuffix);

for (const [stack, region] of [
  ["secondary", REGIONS.secondary],
  ["primary", REGIONS.primary],
] as const) {
  describe(`trail replay of the ${stack} stack: the trail's log files, a second delivery to capture`, () => {
    const planned = async () => {
      const report = await ownStack(stack);
      return {
        report,
        fn: named(report, "iot-plane-trail-replay-fn", FUNCTION),
        capture: named(report, "iot-plane-capture-fn", FUNCTION),
        bucket: named(report, "iot-plane-management-trail-logs", "aws:s3/bucket:Bucket"),
        key: named(report, "iot-plane-key"),
      };
    };

    it("is notified of each new log file of this account and region, and of nothing else in the bucket", async () => {
      const { report, fn, bucket } = await planned();
      const [notification, ...others] = ofType(report, NOTIFICATION);
      assert.equal(others.length, 0, "one notification configuration per bucket");
      assert.equal(notification.revealedInputs.bucket, bucket.revealedState.bucket);
      assert.equal(notification.region, region);
      const [only, ...more] = notification.revealedInputs.lambdaFunctions as LambdaNotification[];
      assert.equal(more.length, 0);
      assert.equal(only.lambdaFunctionArn, fn.revealedState.arn);
      assert.deepEqual(only.events, ["s3:ObjectCreated:*"]);
      assert.equal(only.filterPrefix, `AWSLogs/${IOT_ACCOUNT}/CloudTrail/${region}/`);
      assert.equal(only.filterPrefix, trailLogPrefix(IOT_ACCOUNT, region));
      assert.equal(only.filterSuffix, ".json.gz");
      const file = `${IOT_ACCOUNT}_CloudTrail_${region}_20260301T1200Z_AbCdEf012345.json.gz`;
      assert.ok(notifies(only, `AWSLogs/${IOT_ACCOUNT}/CloudTrail/${region}/2026/03/01/${file}`));
      for (const key of [
        // Log file validation's digest files, beside the log files.
        `AWSLogs/${IOT_ACCOUNT}/CloudTrail-Digest/${region}/2026/03/01/${file}`,
        `AWSLogs/${IOT_ACCOUNT}/CloudTrail/us-east-1/2026/03/01/${file}`,
        `AWSLogs/999999999999/CloudTrail/${region}/2026/03/01/${file}`,
        `AWSLogs/${IOT_ACCOUNT}/CloudTrail/${region}/2026/03/01/${file}.tmp`,
      ]) {
        assert.ok(!notifies(only, key), key);
      }
    });

    it("lets only S3, for the trail's bucket in this account, invoke trail replay, before S3 is told to", async () => {
      const { report, fn, bucket } = await planned();
      const permissions = ofType(report, PERMISSION).filter(
        (p) => p.revealedInputs.function === fn.revealedState.name,
      );
      assert.equal(permissions.length, 1);
      const [permission] = permissions;
      assert.equal(permission.revealedInputs.principal, "s3.amazonaws.com");
      assert.equal(permission.revealedInputs.action, "lambda:InvokeFunction");
      // Trust boundary: without either, another bucket or another account's bucket could invoke it.
      assert.equal(permission.revealedInputs.sourceArn, bucket.revealedState.arn);
      assert.equal(permission.revealedInputs.sourceAccount, IOT_ACCOUNT);
      const notification = named(report, "iot-plane-trail-replay-notification", NOTIFICATION);
      assert.ok(notification.dependencies?.includes(permission.urn));
      // No S3 permission on capture's own function.
      const capture = named(report, "iot-plane-capture-fn", FUNCTION);
      assert.deepEqual(
        ofType(report, PERMISSION).filter(
          (p) =>
            p.revealedInputs.function === capture.revealedState.name &&
            p.revealedInputs.principal === "s3.amazonaws.com",
        ),
        [],
      );
    });

    it("reads only this account's and region's log files of the trail's bucket, and decrypts only through S3", async () => {
      const { report, bucket, key } = await planned();
      const statements = statementsOf(named(report, "iot-plane-trail-replay-policy"));
      const read = statement(statements, "ReadTrailLogFiles");
      assert.deepEqual(read.Action, ["s3:GetObject"]);
      assert.deepEqual(read.Resource, [
        `${String(bucket.revealedState.arn)}/AWSLogs/${IOT_ACCOUNT}/CloudTrail/${region}/*`,
      ]);
      assert.equal(read.Condition, undefined);
      // No other statement grants any S3 action.
      assert.deepEqual(
        statements.filter((s) => s !== read && s.Action.some((a) => a.startsWith("s3:"))),
        [],
      );
      const decrypt = statement(statements, "DecryptTrailLogFiles");
      assert.deepEqual(decrypt.Action, ["kms:Decrypt"]);
      assert.deepEqual(decrypt.Resource, [key.revealedState.arn]);
      assert.deepEqual(decrypt.Condition, {
        StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
      });
      // Every KMS grant of the role goes through a service.
      for (const s of statements.filter((x) => x.Action.some((a) => a.startsWith("kms:")))) {
        assert.ok(s.Condition?.StringEquals?.["kms:ViaService"], s.Sid);
      }
      // Capture's event-driven role reads no S3 object.
      const capture = statementsOf(named(report, "iot-plane-capture-policy"));
      assert.deepEqual(
        capture.filter((s) => s.Action.some((a) => a.startsWith("s3:"))),
        [],
      );
    });

    it("has every permission of capture's role, for the records it captures", async () => {
      const { report } = await planned();
      const replay = statementsOf(named(report, "iot-plane-trail-replay-policy"));
      const capture = statementsOf(named(report, "iot-plane-capture-policy"));
      // Each its own log group; the rest the same.
      const bySid = (list: PolicyStatement[]) =>
        new Map(list.filter((s) => s.Sid !== "OwnLogs").map((s) => [s.Sid, s]));
      const own = bySid(replay);
      assert.ok(capture.length > 10);
      for (const [sid, s] of bySid(capture)) assert.deepEqual(own.get(sid), s, sid);
    });

    it("runs capture's code with capture's environment, the trail bucket's name, and limits of its own", async () => {
      const { fn, capture, bucket, report } = await planned();
      assert.equal(fn.region, region);
      assert.deepEqual(fn.revealedInputs.code, capture.revealedInputs.code);
      assert.notEqual(fn.revealedInputs.role, capture.revealedInputs.role);
      const env = (fn.revealedInputs.environment as { variables: Record<string, string> })
        .variables;
      const captureEnv = (
        capture.revealedInputs.environment as { variables: Record<string, string> }
      ).variables;
      assert.deepEqual(env, { ...captureEnv, TRAIL_LOG_BUCKET: bucket.revealedState.bucket });
      assert.ok(env.TRAIL_LOG_BUCKET);
      assert.equal(fn.revealedInputs.timeout, TRAIL_REPLAY_TIMEOUT_SECONDS);
      assert.equal(fn.revealedInputs.reservedConcurrentExecutions, TRAIL_REPLAY_CONCURRENCY);
      // Lambda retries a failed invocation twice, then keeps it in capture's dead-letter queue.
      const async = named(report, "iot-plane-trail-replay-async");
      assert.equal(async.revealedInputs.functionName, fn.revealedState.name);
      assert.equal(async.revealedInputs.maximumRetryAttempts, 2);
      assert.deepEqual(async.revealedInputs.destinationConfig, {
        onFailure: {
          destination: named(report, "iot-plane-iot-events-dlq-queue").revealedState.arn,
        },
      });
    });
  });
}
