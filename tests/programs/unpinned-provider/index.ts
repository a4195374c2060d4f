import * as aws from "@pulumi/aws";

// Uses whatever credentials are around: no assumed role, no external id, no account pin.
const provider = new aws.Provider("ambient", { region: "eu-west-1" });
// Encrypted and redriven to a dead-letter queue, so the provider is the only thing this sample breaks.
const deadLetters = new aws.sqs.Queue(
  "jobs-dlq",
  { kmsMasterKeyId: "alias/aws/sqs" },
  { provider },
);
new aws.sqs.Queue(
  "jobs",
  {
    kmsMasterKeyId: "alias/aws/sqs",
    redrivePolicy: deadLetters.arn.apply((arn) =>
      JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 }),
    ),
  },
  { provider },
);
