import * as aws from "@pulumi/aws";

/** Providers of the DR pair (and us-east-1), as the cases take them. */
export interface Regional {
  west: aws.Provider;
  central: aws.Provider;
  virginia: aws.Provider;
  /** [region, provider] of each DR region. */
  both: [string, aws.Provider][];
}
