import * as aws from "@pulumi/aws";

// Uses whatever credentials are around: no assumed role, no external id, no account pin.
const provider = new aws.Provider("ambient", { region: "eu-west-1" });
// Encrypted, redriven to a dead-letter queue and present in both regions (aws v7's per-resource
// region), so the provider is the only thing this sample breaks.
for (const region of ["eu-west-1", "eu-central-1"]) {
  const deadLetters = new aws.sqs.Queue(
    `jobs-dlq-${region}`,
    { region, kmsMasterKeyId: "alias/aws/sqs" },
    { provider },
  );
  new aws.sqs.Queue(
    `jobs-${region}`,
    {
      region,
      kmsMasterKeyId: "alias/aws/sqs",
      redrivePolicy: deadLetters.arn.apply((arn) =>
        JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 }),
      ),
    },
    { provider },
  );
}
