import { strict as assert } from "assert";
import { snsTopicEncryptedKms, sqsQueueEncryptedKms } from "../../policies/rules/messaging";
import { violationsOf } from "../support/policies";

const queue = (props: Record<string, unknown>) => ({
  type: "aws:sqs/queue:Queue",
  name: "reconciler-dlq",
  props,
});
const topic = (props: Record<string, unknown>) => ({
  type: "aws:sns/topic:Topic",
  name: "failover",
  props,
});

describe("sqs-queue-encrypted-kms", () => {
  it("passes a queue under the AWS managed key or a customer key", async () => {
    assert.deepEqual(
      await violationsOf(sqsQueueEncryptedKms, [
        queue({ kmsMasterKeyId: "alias/aws/sqs" }),
        queue({ kmsMasterKeyId: "arn:aws:kms:eu-west-1:222222222222:key/k" }),
      ]),
      [],
    );
  });

  it("rejects SSE-SQS, which is not KMS", async () => {
    assert.deepEqual(
      await violationsOf(sqsQueueEncryptedKms, [queue({ sqsManagedSseEnabled: true })]),
      [
        'SQS queue reconciler-dlq must set kmsMasterKeyId (a KMS key, or "alias/aws/sqs"); SSE-SQS is not KMS.',
      ],
    );
  });
});

describe("sns-topic-encrypted-kms", () => {
  it("passes a topic with a KMS key", async () => {
    assert.deepEqual(
      await violationsOf(snsTopicEncryptedKms, [topic({ kmsMasterKeyId: "alias/iot-dr" })]),
      [],
    );
  });

  it("rejects an unencrypted topic", async () => {
    assert.deepEqual(await violationsOf(snsTopicEncryptedKms, [topic({})]), [
      'SNS topic failover must set kmsMasterKeyId (a KMS key, or "alias/aws/sns").',
    ]);
  });
});
