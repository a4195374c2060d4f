import { StackValidationPolicy } from "@pulumi/policy";
import { replicasOf } from "./dynamodb";
import { bucketsOf } from "./s3";
import { asRecord, commonSchema, label, ofType, refersTo, subjectOf } from "./support";

const OBJECT_LOCK = [
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
];

/**
 * Replication copies a delete too; what survives an accidental `pulumi destroy`, a replacement or
 * a console click is the service's own deletion protection. For S3, forceDestroy lets Pulumi
 * empty a bucket before deleting it, unless object lock keeps the versions.
 */
export const statefulDeletionProtection: StackValidationPolicy = {
  name: "stateful-deletion-protection",
  description:
    "Stateful resources must be protected from deletion: DynamoDB tables deletionProtectionEnabled true on the table and each replica (replicas[] or aws.dynamodb.TableReplica); RDS clusters, instances and global clusters deletionProtection true; S3 buckets not forceDestroy unless object lock is on (objectLockEnabled or an aws.s3.BucketObjectLockConfiguration).",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    for (const table of ofType(subjects, "aws:dynamodb/table:Table")) {
      const off: string[] = [];
      if (table.props.deletionProtectionEnabled !== true) off.push("the table");
      for (const replica of replicasOf(table, subjects)) {
        if (
          !replica.where.startsWith("Global") &&
          replica.props.deletionProtectionEnabled !== true
        ) {
          off.push(replica.where);
        }
      }
      if (off.length > 0) {
        report(
          `DynamoDB table ${label(table)} can be deleted (${off.join(", ")}): set deletionProtectionEnabled: true on the table and on each replica.`,
          table.urn,
        );
      }
    }
    for (const db of subjects.filter((s) =>
      [
        "aws:rds/cluster:Cluster",
        "aws:rds/instance:Instance",
        "aws:rds/globalCluster:GlobalCluster",
      ].includes(s.type),
    )) {
      if (db.props.deletionProtection !== true) {
        report(
          `${db.type.split(":").pop()} ${db.name} can be deleted: set deletionProtection: true.`,
          db.urn,
        );
      }
    }
    for (const bucket of bucketsOf(subjects)) {
      if (bucket.props.forceDestroy !== true) continue;
      const locked =
        bucket.props.objectLockEnabled === true ||
        asRecord(bucket.props.objectLockConfiguration).objectLockEnabled === "Enabled" ||
        subjects.some((s) => OBJECT_LOCK.includes(s.type) && refersTo(s, "bucket", bucket));
      if (!locked) {
        report(
          `S3 bucket ${label(bucket, "bucket")} sets forceDestroy: a destroy or replacement deletes every object: remove forceDestroy (or turn on object lock).`,
          bucket.urn,
        );
      }
    }
  },
};
