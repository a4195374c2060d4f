import { ResourceValidationPolicy } from "@pulumi/policy";
import { peerRegionOf } from "../config";
import {
  Finding,
  asString,
  commonSchema,
  isSet,
  ofType,
  relationPolicy,
  resourceSubject,
} from "./support";

const CERTIFICATE = "aws:acm/certificate:Certificate";

/**
 * ACM renews a DNS-validated certificate on its own while the CNAME stays; an e-mail validated one
 * waits for someone to click a link, and an imported one never renews: either expires silently,
 * and the standby's endpoint with it. Private CA certificates renew without validation.
 */
export const acmCertificateDnsValidated: ResourceValidationPolicy = {
  name: "acm-certificate-dns-validated",
  description:
    'ACM certificates must renew on their own: validationMethod "DNS" (or issued by a private CA, certificateAuthorityArn); e-mail validated and imported certificates (privateKey / certificateBody) are rejected.',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== CERTIFICATE) return;
    const props = resourceSubject(args).props;
    if (isSet(props.privateKey) || isSet(props.certificateBody)) {
      report(
        `ACM certificate ${args.name} is imported, so ACM never renews it: request it with validationMethod "DNS" instead.`,
      );
      return;
    }
    if (isSet(props.certificateAuthorityArn)) return;
    if (props.validationMethod !== "DNS") {
      report(
        `ACM certificate ${args.name} uses ${asString(props.validationMethod) ?? "no"} validation, which does not renew unattended: set validationMethod "DNS" and keep its CNAME record.`,
      );
    }
  },
};

/**
 * ACM certificates are regional: a domain served from both regions needs a certificate in each.
 * Certificates outside the DR pair (e.g. us-east-1 for CloudFront) are not regional endpoints.
 */
export const acmCertificateBothRegions = relationPolicy(
  {
    name: "acm-certificate-both-regions",
    description:
      "An ACM certificate in one region of the DR pair needs a certificate for the same domainName in the peer region (usually in the other stack). Certificates in regions outside the pair (us-east-1 for CloudFront) are not checked.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    const certificates = ofType(subjects, CERTIFICATE);
    for (const certificate of certificates) {
      const peer = peerRegionOf(config, certificate.region);
      if (!peer) continue;
      const domain = asString(certificate.props.domainName);
      const twin = certificates.some(
        (c) => c.region === peer && asString(c.props.domainName) === domain,
      );
      if (twin) continue;
      findings.push({
        urn: certificate.urn,
        missing: true,
        message: `ACM certificate ${certificate.name} for ${domain ?? "its domain"} has no counterpart in ${peer}: request the same domain there (validationMethod "DNS").`,
      });
    }
    return findings;
  },
);
