import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { peerRegionOf } from "../config";
import {
  Finding,
  Subject,
  asList,
  asRecord,
  asString,
  commonSchema,
  isSet,
  label,
  ofType,
  refersTo,
  relationPolicy,
  resourceSubject,
  subjectOf,
} from "./support";

const TABLE = "aws:dynamodb/table:Table";
const TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica";
/** Global tables version 2017.11.29: a GlobalTable joins same-named tables of several regions. */
const LEGACY_GLOBAL_TABLE = "aws:dynamodb/globalTable:GlobalTable";

/** A replica of `table` wherever it is declared: on the table, as a TableReplica, or a legacy GlobalTable. */
export interface ReplicaOf {
  where: string;
  region?: string;
  props: Record<string, unknown>;
  urn?: string;
}

export function replicasOf(table: Subject, subjects: Subject[]): ReplicaOf[] {
  const inline = asList(table.props.replicas).map((r) => ({
    where: `replicas[${String(asRecord(r).regionName)}]`,
    region: asString(asRecord(r).regionName),
    props: asRecord(r),
  }));
  const separate = ofType(subjects, TABLE_REPLICA)
    .filter((r) => refersTo(r, "globalTableArn", table))
    .map((r) => ({
      where: `TableReplica ${r.name}`,
      region: r.region,
      props: r.props,
      urn: r.urn,
    }));
  const legacy = ofType(subjects, LEGACY_GLOBAL_TABLE)
    .filter((g) => refersTo(g, "name", table) || g.props.name === table.props.name)
    .flatMap((g) =>
      asList(g.props.replicas).map((r) => ({
        where: `GlobalTable ${g.name}`,
        region: asString(asRecord(r).regionName),
        props: {},
      })),
    )
    .filter((r) => r.region !== table.region);
  return [...inline, ...separate, ...legacy];
}

/**
 * Global tables (2019.11.21) replicate through streams with NEW_AND_OLD_IMAGES; the replica may be
 * declared on the table (`replicas`) or as a TableReplica, possibly in the other stack.
 */
export const dynamodbTableGlobal = relationPolicy(
  {
    name: "dynamodb-table-global",
    description:
      "DynamoDB tables must be global tables: streams on with NEW_AND_OLD_IMAGES and a replica in the peer region (replicas on the table, an aws.dynamodb.TableReplica, or a legacy aws.dynamodb.GlobalTable). A replica outside the DR pair does not count.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    for (const table of ofType(subjects, TABLE)) {
      const name = label(table);
      const replicas = replicasOf(table, subjects);
      const legacyOnly = replicas.length > 0 && replicas.every((r) => r.where.startsWith("Global"));
      if (
        !legacyOnly &&
        (table.props.streamEnabled !== true || table.props.streamViewType !== "NEW_AND_OLD_IMAGES")
      ) {
        findings.push({
          urn: table.urn,
          missing: false,
          message: `DynamoDB table ${name} must set streamEnabled: true and streamViewType: "NEW_AND_OLD_IMAGES" (global tables replicate through the stream).`,
        });
      }
      const peer = peerRegionOf(config, table.region);
      const replicaRegions = replicas.map((r) => r.region).filter((r): r is string => Boolean(r));
      const inPeer = peer
        ? replicaRegions.includes(peer)
        : replicaRegions.some((r) => r !== table.region);
      if (!inPeer) {
        findings.push({
          urn: table.urn,
          missing: replicaRegions.length === 0,
          message: `DynamoDB table ${name} has no replica in ${peer ?? "another region"}${replicaRegions.length > 0 ? ` (only ${replicaRegions.join(", ")})` : ""}: add replicas: [{ regionName: "${peer ?? "<peer region>"}" }] (or an aws.dynamodb.TableReplica there).`,
        });
      }
    }
    return findings;
  },
);

/**
 * Without `serverSideEncryption.enabled` DynamoDB encrypts with an AWS owned key, which is not a
 * KMS key of the account (no key policy, no CloudTrail); enabled without kmsKeyArn uses the
 * AWS managed key alias/aws/dynamodb, which the project accepts.
 */
export const dynamodbTableEncryptedKms: ResourceValidationPolicy = {
  name: "dynamodb-table-encrypted-kms",
  description:
    "DynamoDB tables must encrypt at rest with KMS: serverSideEncryption.enabled true (AWS managed alias/aws/dynamodb or a customer key); a customer key needs a key for every replica.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== TABLE) return;
    const props = resourceSubject(args).props;
    const sse = asRecord(props.serverSideEncryption);
    if (sse.enabled !== true) {
      report(
        `DynamoDB table ${args.name} must set serverSideEncryption: { enabled: true } to use KMS (the default is an AWS owned key).`,
      );
      return;
    }
    if (isSet(sse.kmsKeyArn)) {
      for (const replica of asList(props.replicas).map(asRecord)) {
        if (!isSet(replica.kmsKeyArn)) {
          report(
            `DynamoDB table ${args.name} uses a customer KMS key, so its replica in ${String(replica.regionName)} needs its own kmsKeyArn in that region.`,
          );
        }
      }
    }
  },
};

/**
 * A replica is a copy, not a backup: a bad write or a delete replicates too. PITR restores a table
 * to any second of the last 35 days, and it is set per replica.
 */
export const dynamodbTablePointInTimeRecovery: StackValidationPolicy = {
  name: "dynamodb-table-point-in-time-recovery",
  description:
    "DynamoDB tables must have point-in-time recovery on: pointInTimeRecovery.enabled true on the table, and pointInTimeRecovery true on each replica (replicas[] or aws.dynamodb.TableReplica).",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    for (const table of ofType(subjects, TABLE)) {
      const off: string[] = [];
      if (asRecord(table.props.pointInTimeRecovery).enabled !== true) off.push("the table");
      for (const replica of replicasOf(table, subjects)) {
        if (!replica.where.startsWith("Global") && replica.props.pointInTimeRecovery !== true) {
          off.push(replica.where);
        }
      }
      if (off.length > 0) {
        report(
          `DynamoDB table ${label(table)} has point-in-time recovery off on ${off.join(", ")}: set pointInTimeRecovery: { enabled: true } on the table and pointInTimeRecovery: true on each replica.`,
          table.urn,
        );
      }
    }
  },
};
