import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * What every global table of the program shares (version 2019.11.21, created by `secondary` with
 * its replica in `replicaRegion`): the stream replication needs, the AWS managed key (present in
 * every region, so a replica needs no key ARN), point-in-time recovery and deletion protection.
 * The last two are per replica in DynamoDB: the table's own flags do not cover its copy.
 */
export function globalTableSettings(
  replicaRegion: pulumi.Input<string>,
  replica: { propagateTags?: boolean } = {},
): Pick<
  aws.dynamodb.TableArgs,
  | "billingMode"
  | "streamEnabled"
  | "streamViewType"
  | "serverSideEncryption"
  | "pointInTimeRecovery"
  | "deletionProtectionEnabled"
  | "replicas"
> {
  return {
    billingMode: "PAY_PER_REQUEST",
    streamEnabled: true,
    streamViewType: "NEW_AND_OLD_IMAGES",
    serverSideEncryption: { enabled: true },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
    replicas: [
      {
        regionName: replicaRegion,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
        ...replica,
      },
    ],
  };
}
