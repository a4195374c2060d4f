import { StackValidationPolicy } from "@pulumi/policy";
import { peerRegionOf } from "../config";
import {
  Finding,
  Props,
  Subject,
  asList,
  asRecord,
  asString,
  commonSchema,
  label,
  ofType,
  refersTo,
  relationPolicy,
  subjectOf,
} from "./support";
import { isUnknown } from "./preview";

/** Both generations of the bucket resource; aws v7's Bucket is the former BucketV2. */
const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const VERSIONING = [
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
];
const REPLICATION = ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"];
const MRAP = "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint";
const SSE = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const PUBLIC_ACCESS_BLOCK = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"];
const ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";

export const bucketsOf = (subjects: Subject[]) => subjects.filter((s) => BUCKETS.includes(s.type));

const bucketLabel = (bucket: Subject) => label(bucket, "bucket");

/** The configuration resources of `types` whose `bucket` input is `bucket` (by value or reference). */
const configsOf = (subjects: Subject[], types: string[], bucket: Subject) =>
  subjects.filter((s) => types.includes(s.type) && refersTo(s, "bucket", bucket));

/** Default-encryption rules of a bucket: inline (deprecated block) or separate (either version). */
export const sseRulesOf = (bucket: Subject, subjects: Subject[]): unknown[] => [
  ...asList(asRecord(bucket.props.serverSideEncryptionConfiguration).rule),
  ...configsOf(subjects, SSE, bucket).flatMap((c) => asList(c.props.rules)),
];

/** A stack rule over each bucket and the configuration resources that name it (aws v7 split them). */
function perBucket(
  base: Omit<StackValidationPolicy, "validateStack" | "configSchema">,
  check: (bucket: Subject, subjects: Subject[]) => string | undefined,
): StackValidationPolicy {
  return {
    ...base,
    configSchema: commonSchema(),
    validateStack: (args, report) => {
      const subjects = args.resources.map(subjectOf);
      for (const bucket of bucketsOf(subjects)) {
        const message = check(bucket, subjects);
        if (message) report(message, bucket.urn);
      }
    },
  };
}

/** Replication needs versioning on both buckets, and it is what lets a region roll back a write. */
export const s3BucketVersioned = perBucket(
  {
    name: "s3-bucket-versioned",
    description:
      "S3 buckets must be versioned: an aws.s3.BucketVersioning for the bucket with status Enabled (replication requires it on both sides).",
    enforcementLevel: "mandatory",
  },
  (bucket, subjects) => {
    // The deprecated inline block counts too; Suspended or Disabled is off, whoever says it.
    const enabled =
      asRecord(bucket.props.versioning).enabled === true ||
      configsOf(subjects, VERSIONING, bucket).some(
        (v) => asRecord(v.props.versioningConfiguration).status === "Enabled",
      );
    return enabled
      ? undefined
      : `S3 bucket ${bucketLabel(bucket)} must be versioned: add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".`;
  },
);

/** Encryption with a KMS key of the account (AWS managed aws/s3 or a customer key), not SSE-S3. */
export const s3BucketEncryptedKms = perBucket(
  {
    name: "s3-bucket-encrypted-kms",
    description:
      'S3 buckets must default to SSE-KMS: an aws.s3.BucketServerSideEncryptionConfiguration whose rule applies sseAlgorithm "aws:kms" (or "aws:kms:dsse").',
    enforcementLevel: "mandatory",
  },
  (bucket, subjects) => {
    const rules = sseRulesOf(bucket, subjects);
    const kms = rules.some((rule) =>
      ["aws:kms", "aws:kms:dsse"].includes(
        String(asRecord(asRecord(rule).applyServerSideEncryptionByDefault).sseAlgorithm),
      ),
    );
    return kms
      ? undefined
      : `S3 bucket ${bucketLabel(bucket)} must encrypt with KMS: add an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms".`;
  },
);

const BLOCKS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

export const s3BucketPublicAccessBlocked = perBucket(
  {
    name: "s3-bucket-public-access-blocked",
    description:
      "S3 buckets must have an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    enforcementLevel: "mandatory",
  },
  (bucket, subjects) => {
    // An account-wide block of the bucket's own account covers every bucket in it.
    const accountWide = subjects.filter(
      (s) =>
        s.type === ACCOUNT_PUBLIC_ACCESS_BLOCK &&
        bucket.account !== undefined &&
        (asString(s.props.accountId) ?? s.account) === bucket.account,
    );
    if (accountWide.some((b) => BLOCKS.every((k) => b.props[k] === true))) return undefined;
    const blocks = configsOf(subjects, PUBLIC_ACCESS_BLOCK, bucket);
    if (blocks.length === 0) {
      return `S3 bucket ${bucketLabel(bucket)} must block public access: add an aws.s3.BucketPublicAccessBlock with ${BLOCKS.join(", ")} true.`;
    }
    const off = BLOCKS.filter((k) => !blocks.some((b) => b.props[k] === true));
    return off.length === 0
      ? undefined
      : `S3 bucket ${bucketLabel(bucket)} must block public access: set ${off.join(", ")} to true on its BucketPublicAccessBlock.`;
  },
);

/** Enabled replication rules of a bucket: inline (deprecated block) or BucketReplicationConfig. */
export function replicationRules(bucket: Subject, subjects: Subject[]) {
  const inline = asList(asRecord(bucket.props.replicationConfiguration).rules).map((rule) => ({
    from: bucket,
    key: "replicationConfiguration",
    rule: asRecord(rule),
  }));
  const separate = configsOf(subjects, REPLICATION, bucket).flatMap((c) =>
    asList(c.props.rules).map((rule) => ({ from: c, key: "rules", rule: asRecord(rule) })),
  );
  return [...inline, ...separate];
}

/** Buckets a rule's destination is: by its ARN, or at preview the bucket its input was made from. */
const destinationsOf = (
  entry: ReturnType<typeof replicationRules>[number],
  buckets: Subject[],
): Subject[] => {
  const target = asRecord(entry.rule.destination).bucket;
  return buckets.filter((b) => b !== entry.from && refersTo(entry.from, entry.key, b, target));
};

/**
 * What a rule's filter leaves out, or undefined when it covers every object: a prefix or tags
 * select a part (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html,
 * "Filter"); an empty filter or prefix selects all. The inline block's `prefix` counts too.
 */
function leftOut(rule: Props): string | undefined {
  const filter = asRecord(rule.filter);
  const and = asRecord(filter.and);
  const prefix = [rule.prefix, filter.prefix, and.prefix].map(asString).find(Boolean);
  const tags = [filter.tag, ...Object.keys(asRecord(and.tags)).map((k) => ({ key: k }))].filter(
    (t) => Object.keys(asRecord(t)).length > 0,
  );
  if (prefix) return `objects under the prefix "${prefix}"`;
  if (tags.length > 0) return "objects with the filter's tags";
  return undefined;
}

/**
 * Each bucket must be one end of a replication across the DR pair: it replicates to its peer, or
 * it is the standby its peer replicates to (one-way replication to a standby is a DR design too).
 * The other end often lives in the other stack, so a missing one is deferred.
 */
export const s3BucketReplicated = relationPolicy(
  {
    name: "s3-bucket-replicated",
    description:
      "S3 buckets must be replicated across the DR pair: an Enabled replication rule (aws.s3.BucketReplicationConfig, or the bucket's inline replicationConfiguration) that covers every object (no prefix or tag filter) and whose destination is a bucket in the peer region, or be the destination of such a rule from the peer region. A destination in the same region or outside the pair does not count.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    const buckets = bucketsOf(subjects);
    const replicatedTo = new Set<Subject>();
    const replicates = new Set<Subject>();
    for (const bucket of buckets) {
      const peer = peerRegionOf(config, bucket.region);
      for (const entry of replicationRules(bucket, subjects)) {
        if (entry.rule.status !== "Enabled") continue;
        const partial = leftOut(entry.rule);
        if (partial) {
          findings.push({
            urn: bucket.urn,
            missing: false,
            message: `S3 bucket ${bucketLabel(bucket)} replicates only ${partial} (rule ${asString(entry.rule.id) ?? "without id"}): every other object is lost with the region; give a rule with an empty filter ({}) that covers every object.`,
          });
          continue;
        }
        const destinations = destinationsOf(entry, buckets);
        const target = asString(asRecord(entry.rule.destination).bucket);
        // A destination outside the plan cannot be placed; its own stack's rules judge it.
        if (destinations.length === 0 && target) replicates.add(bucket);
        for (const destination of destinations) {
          const region = destination.region;
          if (region && (region === bucket.region || (peer && region !== peer))) {
            findings.push({
              urn: bucket.urn,
              missing: false,
              message: `S3 bucket ${bucketLabel(bucket)} replicates to ${bucketLabel(destination)} in ${region}; the destination must be in ${peer ?? "another region"}.`,
            });
            continue;
          }
          replicates.add(bucket);
          replicatedTo.add(destination);
        }
      }
    }
    for (const bucket of buckets) {
      if (replicates.has(bucket) || replicatedTo.has(bucket)) continue;
      if (findings.some((f) => f.urn === bucket.urn)) continue;
      const peer = peerRegionOf(config, bucket.region);
      const rules = replicationRules(bucket, subjects);
      findings.push({
        urn: bucket.urn,
        missing: rules.length === 0,
        message:
          rules.length === 0
            ? `S3 bucket ${bucketLabel(bucket)} is not replicated: add an aws.s3.BucketReplicationConfig with an Enabled rule to its bucket in ${peer ?? "the peer region"} (or replicate the peer into it).`
            : `S3 bucket ${bucketLabel(bucket)} has replication switched off: set status "Enabled" on a rule whose destination is its bucket in ${peer ?? "the peer region"}.`,
      });
    }
    return findings;
  },
);

/**
 * Regions of an access point's buckets that the plan can place; `unplaced` counts the others. At
 * preview a bucket given by its unknown id is known only through `details`' property
 * dependencies, which name the buckets of every entry together: when as many buckets (not named
 * by a known entry) as unknown entries are named, each entry is one of them.
 */
function mrapRegions(ap: Subject, subjects: Subject[]): { regions: string[]; unplaced: number } {
  const buckets = bucketsOf(subjects);
  const regions = new Set<string>();
  const named = new Set<Subject>();
  let unknown = 0;
  let unplaced = 0;
  for (const entry of asList(asRecord(ap.props.details).regions)) {
    const given = asRecord(entry).bucket;
    if (isUnknown(given)) {
      unknown++;
      continue;
    }
    const bucket = buckets.find((b) => refersTo(ap, "details", b, given));
    if (bucket) named.add(bucket);
    if (bucket?.region) regions.add(bucket.region);
    else unplaced++;
  }
  const referenced = buckets.filter(
    (b) => !named.has(b) && (ap.refs?.details ?? []).includes(b.urn),
  );
  if (unknown > 0 && referenced.length === unknown && referenced.every((b) => b.region)) {
    for (const b of referenced) regions.add(b.region!);
  } else unplaced += unknown;
  return { regions: [...regions], unplaced };
}

/** Clients reach the pair through the MRAP (failover of its routes), so each bucket must be in one. */
export const s3BucketMultiRegionAccessPoint = relationPolicy(
  {
    name: "s3-bucket-multi-region-access-point",
    description:
      "S3 buckets must be members of an aws.s3control.MultiRegionAccessPoint (details.regions[].bucket) so clients fail over with its routes, and each access point must hold a bucket in both DR regions.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => [
    // An access point fails over only between its own buckets: one per DR region.
    ...ofType(subjects, MRAP).flatMap((ap): Finding[] => {
      const { regions, unplaced } = mrapRegions(ap, subjects);
      const pair = config.drRegions;
      const lacking = pair ? pair.filter((r) => !regions.includes(r)) : [];
      const spans = pair ? lacking.length === 0 : regions.length >= 2;
      if (spans) return [];
      return [
        {
          urn: ap.urn,
          missing: unplaced > 0,
          message: `Multi-Region Access Point ${ap.name} spans ${regions.join(", ") || "no region the plan can place"}: it must hold a bucket in ${pair ? lacking.join(" and ") : "a second region"} to fail over.`,
        },
      ];
    }),
    ...bucketsOf(subjects)
      .filter(
        (bucket) =>
          !ofType(subjects, MRAP).some((ap) =>
            asList(asRecord(ap.props.details).regions).some((r) =>
              refersTo(ap, "details", bucket, asRecord(r).bucket),
            ),
          ),
      )
      .map((bucket) => ({
        urn: bucket.urn,
        missing: true,
        message: `S3 bucket ${bucketLabel(bucket)} is in no Multi-Region Access Point: list it in an aws.s3control.MultiRegionAccessPoint's details.regions.`,
      })),
  ],
);
