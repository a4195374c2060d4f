import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link CertificateValidationRecord}. */
export interface CertificateValidationRecordArgs {
  /** The shared-services hosted zone. */
  zoneId: string;
  record: pulumi.Input<{ name: string; type: string; value: string }>;
}

/**
 * ACM's validation CNAME in the shared-services zone. Both regions' certificates for the same name
 * ask for the same record, so the two stacks may write it: `allowOverwrite` lets the second one
 * adopt it instead of failing.
 */
export class CertificateValidationRecord extends pulumi.ComponentResource {
  public readonly record: aws.route53.Record;

  constructor(
    name: string,
    args: CertificateValidationRecordArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super("iotdr:cc:CertificateValidationRecord", name, {}, opts);
    const record = pulumi.output(args.record);
    this.record = new aws.route53.Record(
      `${name}-record`,
      {
        zoneId: args.zoneId,
        name: record.name,
        type: record.type,
        records: [record.value],
        ttl: 300,
        allowOverwrite: true,
      },
      { parent: this },
    );
    this.registerOutputs({ fqdn: this.record.fqdn });
  }
}
