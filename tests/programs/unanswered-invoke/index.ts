import * as aws from "@pulumi/aws";

const role = new aws.iam.Role("reader", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
});

// A bucket someone else made: only AWS knows it, so the offline plan has no answer for getBucket
// and this policy's document cannot be known.
const bucket = aws.s3.getBucketOutput({ bucket: "telemetry" });

new aws.iam.RolePolicy("reader-policy", {
  role: role.name,
  policy: bucket.arn.apply((arn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/*` }],
    }),
  ),
});
