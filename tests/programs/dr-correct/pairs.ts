import * as aws from "@pulumi/aws";
import { ACCOUNT, policyDocument } from "../evasions/kit";
import { Regional } from "./regional";

/** The same per-region resources in both DR regions. */
export function queuePair({ both }: Regional) {
  for (const [region, provider] of both) {
    const dlq = new aws.sqs.Queue(
      `jobs-dlq-${region}`,
      { kmsMasterKeyId: "alias/aws/sqs" },
      { provider },
    );
    new aws.sqs.Queue(
      `jobs-${region}`,
      {
        kmsMasterKeyId: "alias/aws/sqs",
        redrivePolicy: dlq.arn.apply((arn) =>
          JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 }),
        ),
      },
      { provider },
    );
  }
}

export function streamPair({ both }: Regional) {
  for (const [region, provider] of both) {
    new aws.kinesis.Stream(
      `telemetry-${region}`,
      { shardCount: 1, encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" },
      { provider },
    );
  }
}

export function keyPair({ both }: Regional) {
  for (const [region, provider] of both) {
    new aws.kms.Key(`data-key-${region}`, { enableKeyRotation: true }, { provider });
  }
}

/** A device may act only as the thing it connects as (IoT policy variables). */
export function scopedDevices({ both }: Regional) {
  for (const [region, provider] of both) {
    const iot = `arn:aws:iot:${region}:${ACCOUNT}`;
    const self = "${iot:Connection.Thing.ThingName}";
    new aws.iot.Policy(
      `device-policy-${region}`,
      {
        policy: policyDocument(
          { Effect: "Allow", Action: "iot:Connect", Resource: `${iot}:client/${self}` },
          {
            Effect: "Allow",
            Action: ["iot:Publish", "iot:Receive"],
            Resource: [
              `${iot}:topic/$aws/things/${self}/shadow/*`,
              `${iot}:topic/telemetry/${self}`,
            ],
          },
          {
            Effect: "Allow",
            Action: "iot:Subscribe",
            Resource: `${iot}:topicfilter/$aws/things/${self}/shadow/*`,
          },
        ),
      },
      { provider },
    );
    new aws.iot.Thing(`sensor-${region}`, {}, { provider });
  }
}

/** Secrets Manager copies the secret to the other DR region. */
export function replicatedSecret({ west }: Regional) {
  new aws.secretsmanager.Secret(
    "probe-credentials",
    { replicas: [{ region: "eu-central-1" }] },
    { provider: west },
  );
}
