import * as aws from "@pulumi/aws";

// A bucket with none of its v7 companion resources: unversioned, SSE-S3, public, not replicated.
const bucket = new aws.s3.Bucket("assets", { bucket: "iot-dr-sample-assets" });
new aws.s3.BucketServerSideEncryptionConfiguration("assets-sse", {
  bucket: bucket.id,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
});
