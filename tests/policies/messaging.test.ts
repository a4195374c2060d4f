import { strict as assert } from "assert";
import {
  kinesisStreamEncryptedKms,
  snsTopicEncryptedKms,
  sqsQueueDeadLetter,
  sqsQueueEncryptedKms,
} from "../../policies/rules/messaging";
import { Declared, ref, rejectedAtBoth } from "../support/policyViews";
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

describe("messaging rules at preview and at up", () => {
  const key: Declared = {
    type: "aws:kms/key:Key",
    name: "key",
    props: {},
    outputs: { arn: "arn:aws:kms:eu-west-1:1:key/k", id: "k" },
  };
  const newQueue = (name: string, props: Record<string, unknown> = {}): Declared => ({
    type: "aws:sqs/queue:Queue",
    name,
    props: { kmsMasterKeyId: ref("key", "arn"), ...props },
    outputs: {
      arn: `arn:aws:sqs:eu-west-1:1:${name}`,
      url: `https://sqs.eu-west-1.amazonaws.com/1/${name}`,
      id: `https://sqs.eu-west-1.amazonaws.com/1/${name}`,
    },
  });

  it("sqs-queue-encrypted-kms: a key given by reference counts as set at preview", async () => {
    const result = await rejectedAtBoth(sqsQueueEncryptedKms, [
      key,
      newQueue("keyed"),
      newQueue("sse-sqs", { kmsMasterKeyId: undefined, sqsManagedSseEnabled: true }),
    ]);
    assert.deepEqual(result, { preview: ["sse-sqs"], up: ["sse-sqs"], advisory: [] });
  });

  it("kinesis-stream-encrypted-kms: KMS with a key passes; none, or KMS without a key, and unencrypted Firehose are rejected", async () => {
    const stream = (name: string, props: Record<string, unknown>): Declared => ({
      type: "aws:kinesis/stream:Stream",
      name,
      props,
    });
    const program: Declared[] = [
      key,
      stream("kms", { encryptionType: "KMS", kmsKeyId: ref("key", "arn") }),
      stream("managed", { encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" }),
      stream("plain", {}),
      stream("no-key", { encryptionType: "KMS" }),
      {
        type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        name: "firehose",
        props: { destination: "extended_s3" },
      },
    ];
    const result = await rejectedAtBoth(kinesisStreamEncryptedKms, program);
    assert.deepEqual(result.up, ["firehose", "no-key", "plain"]);
    assert.deepEqual(result.preview, result.up);
  });

  it("sqs-queue-dead-letter: a worked queue needs a DLQ; a queue that is a dead-letter or failure target does not", async () => {
    const program: Declared[] = [
      key,
      newQueue("work-dlq"),
      newQueue("work", { redrivePolicy: ref("work-dlq", "arn") }),
      newQueue("separately-redriven"),
      {
        type: "aws:sqs/redrivePolicy:RedrivePolicy",
        name: "separate",
        props: {
          queueUrl: ref("separately-redriven", "url"),
          redrivePolicy: ref("work-dlq", "arn"),
        },
      },
      newQueue("rule-errors"),
      {
        type: "aws:iot/topicRule:TopicRule",
        name: "rule",
        props: { errorAction: { sqs: { queueUrl: ref("rule-errors", "url"), roleArn: "r" } } },
      },
      newQueue("fn-failures"),
      {
        type: "aws:lambda/function:Function",
        name: "fn",
        props: { deadLetterConfig: { targetArn: ref("fn-failures", "arn") } },
      },
      newQueue("lonely"),
    ];
    const result = await rejectedAtBoth(sqsQueueDeadLetter, program);
    assert.deepEqual(result.up, ["lonely"]);
    assert.deepEqual(result.preview, result.up);
  });
});
