/** The AWS calls of the application service (see functions/shared/access.ts). */
import type { AccessDeclaration, DeclaredCall } from "../shared/access";

const TABLE = "arn:{partition}:dynamodb:{region}:{account}:table/{env.APPLICATION_TABLE}";
/** Objects through the Multi-Region Access Point whose ARN the parameter holds. */
const OBJECT = "{ssmParameter:{env.ACCESS_POINT_PARAMETER}}/object/<key>";

/** S3 uses the bucket's customer managed key as the caller (SSE-KMS). */
const bucketKey = (action: string): DeclaredCall => ({
  action,
  resource: {
    kmsKeyOf: { bucket: "{accessPointBuckets:{ssmParameter:{env.ACCESS_POINT_PARAMETER}}}" },
  },
  by: "implied",
  context: { "kms:ViaService": "s3.{keyRegion}.{dnsSuffix}" },
});

export const APPLICATION_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "application" },
  calls: [
    {
      action: "ssm:GetParameter",
      resource: "arn:{partition}:ssm:{region}:{account}:parameter{env.ACCESS_POINT_PARAMETER}",
    },
    { action: "s3:GetObject", resource: OBJECT },
    { action: "s3:PutObject", resource: OBJECT },
    bucketKey("kms:Decrypt"),
    bucketKey("kms:GenerateDataKey"),
    { action: "dynamodb:PutItem", resource: TABLE, why: "the document's index item" },
  ],
};
