import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn, partitionOf } from "../core/arn";
import { ApplicationAccessPoint } from "./bucket/accessPoint";
import { ApplicationBucket } from "./bucket/applicationBucket";
import { BucketReplication } from "./bucket/bucketReplication";
import { ReplicationRole } from "./bucket/replicationRole";
import { RegionPair, RegionSide, checkedSides, requireProvider } from "./sides";

const COMPONENT = "MultiRegionBucket";

/** Multi-Region Access Points are created and changed through the US West (Oregon) endpoint. */
export const MRAP_CONTROL_REGION = "us-west-2";

/** Arguments of {@link MultiRegionBucket}. */
export interface MultiRegionBucketArgs {
  /**
   * The bucket owner's account in each region, and in {@link MRAP_CONTROL_REGION} for the access
   * point. A `secondary` side needs `secondary`; a `primary` side needs all three, because the
   * replication rule of the secondary bucket is set in the secondary region.
   */
  providers: {
    primary?: aws.Provider;
    secondary?: aws.Provider;
    accessPointControl?: aws.Provider;
  };
  /**
   * The regions this program builds (default both); see {@link RegionSide}. The `primary` side
   * also builds what spans both regions.
   */
  sides?: RegionSide[];
  /** The account that owns both buckets and the access point. */
  accountId: string;
  /** The region pair; each holds one bucket. */
  regions: RegionPair;
  /** Buckets are named `<prefix>-<account>-<region>` (S3 names are global). */
  bucketPrefix: string;
  /** The Multi-Region Access Point's name. */
  accessPointName: string;
  /** The region the access point routes all requests to; the other stays at 0% until failover. */
  activeRegion: keyof RegionPair;
  /** Days a noncurrent object version is kept before it expires. */
  noncurrentVersionDays: number;
  /** S3 Replication Time Control (15-minute SLA, with its metrics) instead of best effort. */
  replicationTimeControl: boolean;
  /**
   * The secondary bucket's key ARN, when another program built that bucket (sides `["primary"]`):
   * replicas written into it are encrypted with it.
   */
  secondaryKeyArn?: pulumi.Input<string>;
}

/**
 * A bucket pair in two regions with replication both ways (with replica modification sync, so
 * either side can take writes), an S3 Multi-Region Access Point over the pair, and its failover
 * controls: routes that send 100% to the active region and 0% to the passive one, so a failover is
 * a route change (SubmitMultiRegionAccessPointRoutes), never a deployment
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointFailover.html).
 */
export class MultiRegionBucket extends pulumi.ComponentResource {
  /** Each region's bucket half this program built (bucket, key, versioning, policies). */
  public readonly buckets: { primary?: ApplicationBucket; secondary?: ApplicationBucket };
  /** Both buckets' names, also of a bucket another program builds (its name is fixed). */
  public readonly bucketNames: { primary: string; secondary: string };
  /** Built with the primary side: the role S3 replicates with, both directions. */
  public readonly replicationRole?: aws.iam.Role;
  /** Built with the primary side: the replication rule of each bucket, to the other. */
  public readonly replication?: { toSecondary: BucketReplication; toPrimary: BucketReplication };
  public readonly accessPoint?: aws.s3control.MultiRegionAccessPoint;
  /** The failover controls: each bucket's traffic dial. */
  public readonly routes?: aws.s3control.MultiRegionAccessPointRoutes;
  /** The region the access point routes to. */
  public readonly activeRegion: string;

  constructor(
    name: string,
    args: MultiRegionBucketArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super("iot-dr:components:MultiRegionBucket", name, {}, opts);
    const sides = checkedSides(COMPONENT, args.sides, args.regions);
    if (args.activeRegion !== "primary" && args.activeRegion !== "secondary") {
      throw new Error(
        `${COMPONENT}: expected activeRegion to be "primary" or "secondary", got ${String(args.activeRegion)}`,
      );
    }
    this.activeRegion = args.regions[args.activeRegion];
    const nameIn = (region: string) => `${args.bucketPrefix}-${args.accountId}-${region}`;
    this.bucketNames = {
      primary: nameIn(args.regions.primary),
      secondary: nameIn(args.regions.secondary),
    };
    const buckets: MultiRegionBucket["buckets"] = {};
    for (const which of ["primary", "secondary"] as const) {
      if (!sides.has(which)) continue;
      const provider = requireProvider(
        COMPONENT,
        args.providers,
        which,
        `builds the ${which} bucket`,
      );
      buckets[which] = new ApplicationBucket(
        `${name}-${which}`,
        {
          accountId: args.accountId,
          region: args.regions[which],
          bucketName: this.bucketNames[which],
          keyAlias: `alias/${args.bucketPrefix}`,
          noncurrentVersionDays: args.noncurrentVersionDays,
        },
        { parent: this, provider },
      );
    }
    this.buckets = buckets;

    if (sides.has("primary")) {
      const providers = {
        primary: requireProvider(COMPONENT, args.providers, "primary", "the replication role"),
        secondary: requireProvider(
          COMPONENT,
          args.providers,
          "secondary",
          "the secondary bucket's replication rule is set in its region",
        ),
        accessPointControl: requireProvider(
          COMPONENT,
          args.providers,
          "accessPointControl",
          `the access point's control plane, ${MRAP_CONTROL_REGION}`,
        ),
      };
      const secondaryKeyArn = buckets.secondary?.key.arn ?? args.secondaryKeyArn;
      if (!secondaryKeyArn) {
        throw new Error(
          `${COMPONENT}: expected secondaryKeyArn (the secondary bucket's key) when the secondary side is built elsewhere`,
        );
      }
      const sides = {
        primary: {
          region: args.regions.primary,
          bucketArn: buckets.primary!.bucket.arn,
          keyArn: buckets.primary!.key.arn,
        },
        secondary: {
          region: args.regions.secondary,
          bucketArn: pulumi.output(
            buckets.secondary?.bucket.arn ??
              formatArn({
                partition: partitionOf(args.regions.secondary),
                service: "s3",
                region: "",
                account: "",
                resource: this.bucketNames.secondary,
              }),
          ),
          keyArn: pulumi.output(secondaryKeyArn),
        },
      };
      // IAM is global: one role for both directions.
      const role = new ReplicationRole(
        `${name}-replication`,
        { accountId: args.accountId, buckets: [sides.primary, sides.secondary] },
        { parent: this, provider: providers.primary },
      );
      this.replicationRole = role.role;
      // Replication needs versioning on both buckets (S3 refuses a rule otherwise).
      const versioned = [
        buckets.primary!.versioning,
        ...(buckets.secondary ? [buckets.secondary.versioning] : []),
      ];
      const replicate = (from: "primary" | "secondary", to: "primary" | "secondary") =>
        new BucketReplication(
          `${name}-to-${args.regions[to]}`,
          {
            sourceBucket: buckets[from]?.bucket.id ?? this.bucketNames[from],
            destinationBucketArn: sides[to].bucketArn,
            destinationKeyArn: sides[to].keyArn,
            roleArn: role.role.arn,
            replicationTimeControl: args.replicationTimeControl,
          },
          { parent: this, provider: providers[from], dependsOn: [...versioned, role.policy] },
        );
      this.replication = {
        toSecondary: replicate("primary", "secondary"),
        toPrimary: replicate("secondary", "primary"),
      };
      const accessPoint = new ApplicationAccessPoint(
        name,
        {
          accountId: args.accountId,
          accessPointName: args.accessPointName,
          buckets: (["primary", "secondary"] as const).map((which) => ({
            region: args.regions[which],
            bucket: buckets[which]?.bucket.bucket ?? this.bucketNames[which],
          })),
          activeRegion: this.activeRegion,
        },
        { parent: this, provider: providers.accessPointControl },
      );
      this.accessPoint = accessPoint.accessPoint;
      this.routes = accessPoint.routes;
    }
    this.registerOutputs({
      bucketNames: this.bucketNames,
      accessPointArn: this.accessPoint?.arn,
      activeRegion: this.activeRegion,
    });
  }
}
