import { strict as assert } from "assert";
import { acmCertificateBothRegions, acmCertificateDnsValidated } from "../../policies/rules/acm";
import { Declared, awsProvider, rejectedAtBoth } from "../support/policyViews";

const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };
const cert = (name: string, provider: string, props: Record<string, unknown>): Declared => ({
  type: "aws:acm/certificate:Certificate",
  name,
  provider,
  props,
  outputs: { arn: `arn:aws:acm:x:1:certificate/${name}` },
});
const providers = [
  awsProvider("west", "eu-west-1"),
  awsProvider("central", "eu-central-1"),
  awsProvider("virginia", "us-east-1"),
];

describe("acm-certificate-dns-validated", () => {
  it("rejects e-mail validated and imported certificates; DNS and private CA pass", async () => {
    const program: Declared[] = [
      cert("dns", "west", { domainName: "api.example.com", validationMethod: "DNS" }),
      cert("private-ca", "west", {
        domainName: "in.example.com",
        certificateAuthorityArn: "arn:aws:acm-pca:x",
      }),
      cert("email", "west", { domainName: "api.example.com", validationMethod: "EMAIL" }),
      cert("imported", "west", { privateKey: "k", certificateBody: "b" }),
    ];
    const result = await rejectedAtBoth(acmCertificateDnsValidated, program);
    assert.deepEqual(result.up, ["email", "imported"]);
    assert.deepEqual(result.preview, result.up);
  });
});

describe("acm-certificate-both-regions", () => {
  it("needs the domain's certificate in the peer region; a CloudFront certificate in us-east-1 is not checked", async () => {
    const program: Declared[] = [
      ...providers,
      cert("api-west", "west", { domainName: "api.example.com", validationMethod: "DNS" }),
      cert("api-central", "central", { domainName: "api.example.com", validationMethod: "DNS" }),
      cert("iot-west", "west", { domainName: "iot.example.com", validationMethod: "DNS" }),
      cert("cdn", "virginia", { domainName: "www.example.com", validationMethod: "DNS" }),
    ];
    const result = await rejectedAtBoth(acmCertificateBothRegions.policy, program, PAIR);
    assert.deepEqual(result.up, ["iot-west"]);
    assert.deepEqual(result.preview, result.up);
  });
});
