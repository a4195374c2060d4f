import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions } from "../shared/formerTypes";

/** TLS policy of the devices' endpoint: TLS 1.3 and 1.2 only, current ciphers. */
export const IOT_TLS_POLICY = "IoTSecurityPolicy_TLS13_1_2_2022_10";

/** Arguments of {@link IotCustomDomain}. */
export interface IotCustomDomainArgs {
  /** The devices' domain, e.g. iot.example.com: the same in both regions. */
  domainName: string;
  /** Hosted zone (shared-services) that holds the validation record. */
  hostedZoneId: string;
  /** Provider of the account that holds the hosted zone: the validation record is created there. */
  dnsProvider: aws.Provider;
  /** Former places of the validation record, so moving it does not replace it. */
  validationRecordAliases?: pulumi.Input<pulumi.Alias>[];
  /** The domain configuration's name, the same in both regions. */
  configurationName: string;
}

/**
 * The devices' custom domain on this region's IoT Core: an ACM certificate validated by DNS in the
 * shared-services zone and a DATA domain configuration of the same name in both regions, so a
 * device keeps one endpoint name and DNS failover moves it between regions.
 */
export class IotCustomDomain extends pulumi.ComponentResource {
  public readonly certificate: aws.acm.Certificate;
  public readonly domainConfiguration: aws.iot.DomainConfiguration;
  /** This account's `iot:Data-ATS` endpoint: the failover record's target in this region. */
  public readonly target: pulumi.Output<string>;

  constructor(name: string, args: IotCustomDomainArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:iot:IotCustomDomain",
      name,
      {},
      componentOptions("iot-dr:iot:IotCustomDomain", opts),
    );
    this.certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: args.domainName, validationMethod: "DNS", keyAlgorithm: "RSA_2048" },
      { parent: this },
    );
    const option = this.certificate.domainValidationOptions.apply((options) => {
      const found = options.find((o) => o.domainName === args.domainName);
      if (!found) throw new Error(`ACM gave no validation record for ${args.domainName}`);
      return found;
    });
    // ACM asks for the same CNAME for a domain in every region of an account, so both stacks write
    // this one record; allowOverwrite lets the second stack adopt it instead of failing.
    const record = new aws.route53.Record(
      `${name}-validation`,
      {
        zoneId: args.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      { parent: this, provider: args.dnsProvider, aliases: args.validationRecordAliases },
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-validated`,
      { certificateArn: this.certificate.arn, validationRecordFqdns: [record.fqdn] },
      { parent: this },
    );
    this.domainConfiguration = new aws.iot.DomainConfiguration(
      `${name}-configuration`,
      {
        name: args.configurationName,
        domainName: args.domainName,
        serverCertificateArns: [validation.certificateArn],
        serviceType: "DATA",
        tlsConfig: { securityPolicy: IOT_TLS_POLICY },
      },
      { parent: this },
    );
    this.target = aws.iot.getEndpointOutput(
      { endpointType: "iot:Data-ATS" },
      { parent: this },
    ).endpointAddress;
    this.registerOutputs({
      domainConfigurationArn: this.domainConfiguration.arn,
      target: this.target,
    });
  }
}
