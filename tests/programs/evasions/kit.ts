import * as aws from "@pulumi/aws";

/** The account every sample provider is pinned to (a placeholder, no real account). */
export const ACCOUNT = "111111111111";

/** A provider that passes aws-provider-assume-role, so a case breaks only what it means to. */
export function pinnedProvider(name: string, region: string): aws.Provider {
  return new aws.Provider(name, {
    region: region as aws.Region,
    assumeRoles: [
      { roleArn: `arn:aws:iam::${ACCOUNT}:role/iot-dr-deploy`, externalId: "sample-external-id" },
    ],
    allowedAccountIds: [ACCOUNT],
  });
}

/** An IAM policy document as JSON text. */
export const policyDocument = (...Statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement });

/** One evasion: the resource it hides behind and the rule that must reject it. */
export interface Evasion {
  /** Logical name of the resource the pack must reject. */
  resource: string;
  rule: string;
  /** What the evasion tries, in one line. */
  tries: string;
  build: (providers: Providers) => void;
}

export interface Providers {
  west: aws.Provider;
  central: aws.Provider;
  /** Outside the DR pair. */
  california: aws.Provider;
}
