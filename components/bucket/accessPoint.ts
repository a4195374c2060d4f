import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link ApplicationAccessPoint}. */
export interface ApplicationAccessPointArgs {
  accountId: string;
  /** The access point's name. */
  accessPointName: string;
  /** Both buckets; the access point's buckets are fixed at creation. */
  buckets: { region: string; bucket: pulumi.Input<string> }[];
  /** The region whose bucket receives requests; the other is passive (0%) until failover. */
  activeRegion: string;
}

/**
 * The Multi-Region Access Point over the bucket pair, created through the us-west-2 control plane
 * (its provider must be in us-west-2). Its policy lets principals of this account
 * (still bound by their own IAM policies) use objects; the routes make it active/passive, and a
 * failover is a route change (SubmitMultiRegionAccessPointRoutes), never a `pulumi up`.
 */
export class ApplicationAccessPoint extends pulumi.ComponentResource {
  public readonly accessPoint: aws.s3control.MultiRegionAccessPoint;
  public readonly policy: aws.s3control.MultiRegionAccessPointPolicy;
  public readonly routes: aws.s3control.MultiRegionAccessPointRoutes;

  constructor(
    name: string,
    args: ApplicationAccessPointArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super(
      "iot-dr:app:ApplicationAccessPoint",
      name,
      {},
      componentOptions("iot-dr:app:ApplicationAccessPoint", opts),
    );
    if (!args.buckets.some((b) => b.region === args.activeRegion)) {
      throw new Error(
        `ApplicationAccessPoint: expected the active region to hold one of the buckets (${args.buckets.map((b) => b.region).join(", ")}), got ${args.activeRegion}`,
      );
    }
    this.accessPoint = new aws.s3control.MultiRegionAccessPoint(
      `${name}-mrap`,
      {
        accountId: args.accountId,
        details: {
          name: args.accessPointName,
          publicAccessBlock: {
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          },
          regions: args.buckets.map((b) => ({ bucket: b.bucket, bucketAccountId: args.accountId })),
        },
      },
      { parent: this },
    );
    this.policy = new aws.s3control.MultiRegionAccessPointPolicy(
      `${name}-policy`,
      {
        accountId: args.accountId,
        details: {
          name: args.accessPointName,
          policy: policyDocument([
            // Object actions on the access point's objects, listing on the access point
            // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointPolicyExamples.html).
            {
              sid: "AccountPrincipalsUseObjects",
              principals: { AWS: [`arn:aws:iam::${args.accountId}:root`] },
              actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
              resources: [pulumi.interpolate`${this.accessPoint.arn}/object/*`],
            },
            {
              sid: "AccountPrincipalsListObjects",
              principals: { AWS: [`arn:aws:iam::${args.accountId}:root`] },
              actions: ["s3:ListBucket"],
              resources: [this.accessPoint.arn],
            },
          ]),
        },
      },
      { parent: this },
    );
    this.routes = new aws.s3control.MultiRegionAccessPointRoutes(
      `${name}-routes`,
      {
        accountId: args.accountId,
        mrap: this.accessPoint.arn,
        routes: args.buckets.map((b) => ({
          bucket: b.bucket,
          region: b.region,
          trafficDialPercentage: b.region === args.activeRegion ? 100 : 0,
        })),
      },
      { parent: this },
    );
    this.registerOutputs({ arn: this.accessPoint.arn, alias: this.accessPoint.alias });
  }
}
