import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  Subject,
  asRecord,
  asString,
  commonSchema,
  isSet,
  label,
  ofType,
  refersTo,
  resourceSubject,
  subjectOf,
} from "./support";
import { stackIndex } from "./stackIndex";

const QUEUE = "aws:sqs/queue:Queue";

/**
 * SSE-SQS (`sqsManagedSseEnabled`) uses keys SQS owns, not KMS; the project asks for KMS, where the
 * AWS managed key alias/aws/sqs is acceptable (note: SNS and EventBridge cannot send to a queue
 * under alias/aws/sqs, such queues need a customer key).
 */
export const sqsQueueEncryptedKms: ResourceValidationPolicy = {
  name: "sqs-queue-encrypted-kms",
  description:
    'SQS queues must encrypt with KMS: set kmsMasterKeyId (a customer key, or "alias/aws/sqs"); SSE-SQS (sqsManagedSseEnabled) is not KMS.',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== QUEUE) return;
    const props = resourceSubject(args).props;
    if (!isSet(props.kmsMasterKeyId)) {
      report(
        `SQS queue ${args.name} must set kmsMasterKeyId (a KMS key, or "alias/aws/sqs")${props.sqsManagedSseEnabled === true ? "; SSE-SQS is not KMS" : ""}.`,
      );
    }
  },
};

export const snsTopicEncryptedKms: ResourceValidationPolicy = {
  name: "sns-topic-encrypted-kms",
  description:
    'SNS topics must encrypt with KMS: set kmsMasterKeyId (a customer key, or "alias/aws/sns").',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== "aws:sns/topic:Topic") return;
    if (!isSet(resourceSubject(args).props.kmsMasterKeyId)) {
      report(`SNS topic ${args.name} must set kmsMasterKeyId (a KMS key, or "alias/aws/sns").`);
    }
  },
};

/** Records on a stream are the only copy until consumers catch up; Firehose buffers them too. */
export const kinesisStreamEncryptedKms: ResourceValidationPolicy = {
  name: "kinesis-stream-encrypted-kms",
  description:
    'Kinesis data streams must set encryptionType "KMS" with a kmsKeyId (a customer key or "alias/aws/kinesis"); Firehose delivery streams must enable serverSideEncryption.',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const props = resourceSubject(args).props;
    if (args.type === "aws:kinesis/stream:Stream") {
      if (props.encryptionType !== "KMS" || !isSet(props.kmsKeyId)) {
        report(
          `Kinesis stream ${args.name} must encrypt with KMS: set encryptionType "KMS" and kmsKeyId (a KMS key, or "alias/aws/kinesis").`,
        );
      }
    }
    if (args.type === "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream") {
      if (asRecord(props.serverSideEncryption).enabled !== true) {
        report(
          `Firehose delivery stream ${args.name} must set serverSideEncryption: { enabled: true } (keyType AWS_OWNED_CMK or CUSTOMER_MANAGED_CMK).`,
        );
      }
    }
  },
};

/** Inputs through which a resource hands failed messages to a queue (its dead-letter queue). */
const FAILURE_KEYS = [
  "redrivePolicy",
  "deadLetterConfig",
  "destinationConfig",
  "errorAction",
  "deadLetterTargetArn",
];

/** Whether any resource sends its failures to `queue` (then `queue` is a dead-letter queue). */
function isDeadLetterTarget(queue: Subject, subjects: Subject[]): boolean {
  return stackIndex(subjects)
    .referrersOf(queue)
    .some(
      (s) =>
        s !== queue &&
        FAILURE_KEYS.some((key) => s.props[key] !== undefined && mentions(s, key, queue)),
    );
}

/** Whether input `key` of `s` (anywhere inside it, JSON strings included) names `target`. */
function mentions(s: Subject, key: string, target: Subject): boolean {
  if ((s.refs?.[key] ?? []).includes(target.urn)) return true;
  const text = JSON.stringify(s.props[key] ?? null);
  const arn = asString(target.props.arn);
  const url = asString(target.props.url);
  return Boolean((arn && text.includes(arn)) || (url && text.includes(url)));
}

/**
 * A message that keeps failing is retried until the retention period ends and then deleted; a
 * dead-letter queue keeps it for inspection and redrive. A queue that is itself a dead-letter
 * (or failure) destination needs none.
 */
export const sqsQueueDeadLetter: StackValidationPolicy = {
  name: "sqs-queue-dead-letter",
  description:
    "SQS queues must have a dead-letter queue (redrivePolicy on the queue, or an aws.sqs.RedrivePolicy), unless the queue is itself a dead-letter or failure destination (another queue's redrive policy, a Lambda deadLetterConfig or on-failure destination, an IoT rule errorAction, an EventBridge target deadLetterConfig).",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    for (const queue of ofType(subjects, QUEUE)) {
      const redriven =
        isSet(queue.props.redrivePolicy) ||
        stackIndex(subjects)
          .referrersOf(queue)
          .some(
            (r) =>
              r.type === "aws:sqs/redrivePolicy:RedrivePolicy" && refersTo(r, "queueUrl", queue),
          );
      if (redriven || isDeadLetterTarget(queue, subjects)) continue;
      report(
        `SQS queue ${label(queue)} has no dead-letter queue: set redrivePolicy (deadLetterTargetArn, maxReceiveCount) or add an aws.sqs.RedrivePolicy, so failing messages are kept rather than expire.`,
        queue.urn,
      );
    }
  },
};
