import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// A DR program of repeated units, as a team with many services writes one: per unit a global
// table, a queue with its dead-letter queue, a function reading the queue through a mapping, its
// role and the role's policy, each in both regions where the service runs in both.
const config = new pulumi.Config();
const units = config.requireNumber("units");
const account = "111111111111";
const regions = ["eu-west-1", "eu-central-1"] as const;
const providers = regions.map(
  (region) =>
    new aws.Provider(`deploy-${region}`, {
      region,
      allowedAccountIds: [account],
      assumeRoles: [
        { roleArn: `arn:aws:iam::${account}:role/deploy`, externalId: "plan-scale-deploy" },
      ],
    }),
);
const [home, peer] = providers;
const key = new aws.kms.Key(
  "data",
  { enableKeyRotation: true, multiRegion: true },
  { provider: home },
);
const peerKey = new aws.kms.ReplicaKey(
  "data-peer",
  { primaryKeyArn: key.arn, deletionWindowInDays: 30 },
  { provider: peer },
);

for (let i = 0; i < units; i++) {
  const name = `svc${i}`;
  new aws.dynamodb.Table(
    `${name}-table`,
    {
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      attributes: [{ name: "pk", type: "S" }],
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      replicas: [
        {
          regionName: regions[1],
          pointInTimeRecovery: true,
          deletionProtectionEnabled: true,
          kmsKeyArn: peerKey.arn,
        },
      ],
    },
    { provider: home },
  );
  regions.forEach((region, r) => {
    const provider = providers[r];
    const dlq = new aws.sqs.Queue(
      `${name}-${region}-dlq`,
      { kmsMasterKeyId: r === 0 ? key.arn : peerKey.arn, messageRetentionSeconds: 1209600 },
      { provider },
    );
    const queue = new aws.sqs.Queue(
      `${name}-${region}-queue`,
      {
        kmsMasterKeyId: r === 0 ? key.arn : peerKey.arn,
        visibilityTimeoutSeconds: 60,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
      },
      { provider },
    );
    const role = new aws.iam.Role(
      `${name}-${region}-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
      },
      { provider },
    );
    new aws.iam.RolePolicy(
      `${name}-${region}-read`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
              Resource: queue.arn,
            },
          ],
        }),
      },
      { provider },
    );
    const fn = new aws.lambda.Function(
      `${name}-${region}-fn`,
      {
        name: `${name}-worker`,
        runtime: "nodejs22.x",
        handler: "index.handler",
        role: role.arn,
        code: new pulumi.asset.AssetArchive({
          "index.js": new pulumi.asset.StringAsset("exports.handler = async () => undefined;"),
        }),
      },
      { provider },
    );
    new aws.lambda.EventSourceMapping(
      `${name}-${region}-source`,
      { eventSourceArn: queue.arn, functionName: fn.arn, batchSize: 10 },
      { provider },
    );
  });
}
