import * as aws from "@pulumi/aws";
import { Evasion } from "../kit";

const peer = "stateful-peer-in-dr-region";

/** Per-region data whose counterpart is missing, in the same region, or outside the pair. */
export const unpeered: Evasion[] = [
  {
    resource: "lone-stream",
    rule: peer,
    tries: "an encrypted telemetry stream in the primary region only",
    build: ({ west }) =>
      new aws.kinesis.Stream(
        "lone-stream",
        { shardCount: 1, encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" },
        { provider: west },
      ),
  },
  {
    resource: "lone-parameter",
    rule: peer,
    tries: "the functions' endpoint setting in one region's Parameter Store",
    build: ({ west }) =>
      new aws.ssm.Parameter(
        "lone-parameter",
        { type: "String", value: "https://api.example.com" },
        { provider: west },
      ),
  },
  {
    resource: "same-region-queue-primary",
    rule: peer,
    tries: "a primary and a secondary queue, both in the primary region",
    build: ({ west }) => {
      for (const name of ["same-region-queue-primary", "same-region-queue-secondary"]) {
        new aws.sqs.Queue(name, { kmsMasterKeyId: "alias/aws/sqs" }, { provider: west });
      }
    },
  },
  {
    resource: "lone-thing-type",
    rule: peer,
    tries: "the fleet's thing type registered in one region only",
    build: ({ west }) => new aws.iot.ThingType("lone-thing-type", {}, { provider: west }),
  },
  {
    resource: "third-region-key-us-west-1",
    rule: peer,
    tries: "a key pair whose second key sits outside the DR regions",
    build: ({ west, california }) => {
      new aws.kms.Key(
        "third-region-key-eu-west-1",
        { enableKeyRotation: true },
        { provider: west },
      );
      new aws.kms.Key(
        "third-region-key-us-west-1",
        { enableKeyRotation: true },
        { provider: california },
      );
    },
  },
];
