import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * TLS 1.3 only, with SNI host matching (STRICT): API Gateway's enhanced security policy; TLS_1_2 is
 * a legacy policy. An enhanced policy needs an endpoint access mode, and the API's own policy
 * negotiates the handshake of a domain mapped to it, so the API carries the same
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html).
 * Callers are SDKs and consoles, which speak TLS 1.3.
 */
export const API_TLS = {
  securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09",
  endpointAccessMode: "STRICT",
} as const;

/** Arguments of {@link ApiDomain}. */
export interface ApiDomainArgs {
  domainName: string;
  certificateArn: pulumi.Input<string>;
  /** The validation record's FQDN: the domain waits until ACM has issued the certificate. */
  validationFqdn: pulumi.Input<string>;
  restApiId: pulumi.Input<string>;
  stageName: pulumi.Input<string>;
}

/**
 * The API's custom domain in one region. The failover records (health issue) point the name at
 * `regionalDomainName`/`regionalZoneId` of each region's domain.
 */
export class ApiDomain extends pulumi.ComponentResource {
  public readonly domain: aws.apigateway.DomainName;

  constructor(name: string, args: ApiDomainArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:cc:ApiDomain", name, {}, opts);
    const validation = new aws.acm.CertificateValidation(
      `${name}-validation`,
      { certificateArn: args.certificateArn, validationRecordFqdns: [args.validationFqdn] },
      { parent: this },
    );
    this.domain = new aws.apigateway.DomainName(
      `${name}-domain`,
      {
        domainName: args.domainName,
        regionalCertificateArn: validation.certificateArn,
        endpointConfiguration: { types: "REGIONAL" },
        ...API_TLS,
      },
      { parent: this },
    );
    new aws.apigateway.BasePathMapping(
      `${name}-mapping`,
      { restApi: args.restApiId, stageName: args.stageName, domainName: this.domain.domainName },
      { parent: this },
    );
    this.registerOutputs({
      regionalDomainName: this.domain.regionalDomainName,
      regionalZoneId: this.domain.regionalZoneId,
    });
  }
}
