import { ResourceValidationPolicy } from "@pulumi/policy";
import { asString, commonSchema } from "./support";

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
    if (args.type !== "aws:sqs/queue:Queue") return;
    if (!asString(args.props.kmsMasterKeyId)) {
      report(
        `SQS queue ${args.name} must set kmsMasterKeyId (a KMS key, or "alias/aws/sqs")${args.props.sqsManagedSseEnabled === true ? "; SSE-SQS is not KMS" : ""}.`,
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
    if (!asString(args.props.kmsMasterKeyId)) {
      report(`SNS topic ${args.name} must set kmsMasterKeyId (a KMS key, or "alias/aws/sns").`);
    }
  },
};
