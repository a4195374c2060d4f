import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dnsSuffixOf } from "../../core/arn";
import { retained } from "../../components/shared/retained";
import { Statement, policyDocument } from "../../components/iam/policyDocument";
import { FIS_EXTENSION_ENVIRONMENT, fisExtensionLayerParameter } from "./fisLambdaActions";
import {
  denyInsecureTransport,
  privateBucketSettings,
} from "../../components/shared/privateBucketSettings";

/** Arguments of {@link FaultInjectionConfig}. */
export interface FaultInjectionConfigArgs {
  partition: string;
  /** iot-services: the account of the functions FIS fails. */
  account: string;
  region: string;
  /** The IoT plane's customer managed key (iot-services): encrypts the configurations. */
  kmsKeyArn: pulumi.Input<string>;
}

/** The folder FIS writes fault configurations to, and the extension reads. */
export const FIS_CONFIG_PREFIX = "FisConfigs/";

/** S3's endpoint in the region, as `kms:ViaService` names it. */
export const s3Service = (region: string) => `s3.${region}.${dnsSuffixOf(region)}`;

/** What a function needs so FIS can fail its invocations, in the shape NodeFunction takes. */
export interface FaultInjectable {
  layers: pulumi.Input<string>[];
  environment: Record<string, pulumi.Input<string>>;
  statements: Statement[];
}

/**
 * Where AWS FIS and its Lambda extension meet in one region: the S3 bucket FIS writes a running
 * experiment's faults to (one per region, https://docs.aws.amazon.com/fis/latest/userguide/use-lambda-actions.html),
 * and what a target function carries to read them: the extension layer, its environment and read
 * access to that folder only. The objects live as long as an experiment runs; nothing else is kept.
 */
export class FaultInjectionConfig extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  /** The S3 ARN of the folder, as the extension's environment names it. */
  public readonly location: pulumi.Output<string>;
  public readonly target: FaultInjectable;

  constructor(name: string, args: FaultInjectionConfigArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:FaultInjectionConfig", name, {}, opts);
    const parent = { parent: this };
    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: `iot-dr-fis-config-${args.account}-${args.region}` },
      retained(parent),
    );
    const { publicAccess } = privateBucketSettings(name, this.bucket, args.kmsKeyArn, parent);
    // FIS deletes the configuration when an experiment ends; a day covers one that could not.
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-expiry`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            id: "expire-fault-configurations",
            status: "Enabled",
            filter: { prefix: FIS_CONFIG_PREFIX },
            expiration: { days: 1 },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
          },
        ],
      },
      parent,
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: this.bucket.id,
        policy: policyDocument([denyInsecureTransport(this.bucket)]),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    this.location = pulumi.interpolate`${this.bucket.arn}/${FIS_CONFIG_PREFIX}`;
    // The functions are arm64 (components/lambda/nodeFunction.ts): the layer of that architecture.
    const layer = aws.ssm.getParameterOutput(
      { name: fisExtensionLayerParameter("arm64") },
      parent,
    ).value;
    this.target = {
      layers: [layer],
      environment: {
        [FIS_EXTENSION_ENVIRONMENT.wrapper.name]: FIS_EXTENSION_ENVIRONMENT.wrapper.value,
        [FIS_EXTENSION_ENVIRONMENT.location]: this.location,
      },
      // The extension reads as the function: list the folder and read its objects, nothing else
      // (the policy of use-lambda-actions.html, "Prerequisites").
      statements: [
        {
          sid: "ListFaultConfigurations",
          actions: ["s3:ListBucket"],
          resources: [this.bucket.arn],
          conditions: { StringLike: { "s3:prefix": [`${FIS_CONFIG_PREFIX}*`] } },
        },
        {
          sid: "ReadFaultConfigurations",
          actions: ["s3:GetObject"],
          resources: [pulumi.interpolate`${this.bucket.arn}/${FIS_CONFIG_PREFIX}*`],
        },
        {
          // The objects are encrypted with the plane's key: S3 decrypts them as the reader.
          sid: "DecryptFaultConfigurations",
          actions: ["kms:Decrypt"],
          resources: [args.kmsKeyArn],
          conditions: { StringEquals: { "kms:ViaService": s3Service(args.region) } },
        },
      ],
    };
    this.registerOutputs({ bucket: this.bucket.id, location: this.location });
  }
}
