import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link ApiCertificate}. */
export interface ApiCertificateArgs {
  domainName: string;
}

/** The ACM certificate of the API domain in one region (regional APIs need a same-region cert). */
export class ApiCertificate extends pulumi.ComponentResource {
  public readonly certificate: aws.acm.Certificate;
  /** The one CNAME ACM asks for (the domain has no alternative names). */
  public readonly validationRecord: pulumi.Output<{ name: string; type: string; value: string }>;

  constructor(name: string, args: ApiCertificateArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:cc:ApiCertificate", name, {}, opts);
    this.certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      { domainName: args.domainName, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1" },
      { parent: this },
    );
    this.validationRecord = this.certificate.domainValidationOptions.apply((options) => {
      const option = options.find((o) => o.domainName === args.domainName);
      if (
        !option?.resourceRecordName ||
        !option.resourceRecordType ||
        !option.resourceRecordValue
      ) {
        throw new Error(`ACM gave no DNS validation record for ${args.domainName}`);
      }
      return {
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        value: option.resourceRecordValue,
      };
    });
    this.registerOutputs({ certificateArn: this.certificate.arn });
  }
}
