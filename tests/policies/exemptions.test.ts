import { strict as assert } from "assert";
import { findExemption } from "../../policies/config";
import { withExemptions } from "../../policies/exemptions";
import { s3BucketVersioned } from "../../policies/rules/s3";
import { sqsQueueEncryptedKms } from "../../policies/rules/messaging";
import { violationsOf } from "../support/policies";

const URN = "urn:pulumi:primary::iot-dr::aws:sqs/queue:Queue::reconciler-dlq";

describe("exemptions", () => {
  it("match a resource by its URN, in one stack or (`urn:pulumi:*::`) in every stack", () => {
    const byUrn = [{ resource: URN, reason: "r" }];
    assert.equal(findExemption(byUrn, URN)?.reason, "r");
    assert.equal(findExemption(byUrn, URN.replace("primary", "secondary")), undefined);
    const everyStack = [{ resource: URN.replace("primary", "*"), reason: "r" }];
    assert.ok(findExemption(everyStack, URN.replace("primary", "secondary")));
    assert.equal(findExemption(everyStack, URN.replace("Queue", "Topic")), undefined);
  });

  it("never match by a pattern over logical names, which could cover any type", () => {
    for (const resource of ["reconciler-*", "reconciler-dlq", "*"]) {
      assert.equal(findExemption([{ resource, reason: "r" }], URN), undefined, resource);
    }
  });

  // The Pulumi CLI has no "exempted" level: the pack's wrapper drops the violation instead.
  it("silence an exempted resource under the CLI, and only that one", async () => {
    const queues = ["reconciler-dlq", "capture-dlq"].map((name) => ({
      type: "aws:sqs/queue:Queue",
      name,
      props: {},
    }));
    const config = {
      exemptions: [
        {
          resource: "urn:pulumi:test::test::aws:sqs/queue:Queue::reconciler-dlq",
          reason: "drained by hand",
        },
      ],
    };
    assert.deepEqual(await violationsOf(withExemptions(sqsQueueEncryptedKms), queues, config), [
      'SQS queue capture-dlq must set kmsMasterKeyId (a KMS key, or "alias/aws/sqs").',
    ]);
  });

  it("silence stack rules' violations on the exempted resource", async () => {
    const bucket = (name: string) => ({
      type: "aws:s3/bucket:Bucket",
      name,
      props: { bucket: name },
    });
    const config = {
      exemptions: [
        {
          resource: "urn:pulumi:test::test::aws:s3/bucket:Bucket::logs",
          reason: "access logs, not replicated",
        },
      ],
    };
    assert.deepEqual(
      await violationsOf(
        withExemptions(s3BucketVersioned),
        [bucket("logs"), bucket("app")],
        config,
      ),
      [
        'S3 bucket app must be versioned: add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".',
      ],
    );
  });
});
