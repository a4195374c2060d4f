import * as aws from "@pulumi/aws";

const bucket = new aws.s3.Bucket("logs", { bucket: "iot-dr-sample-logs" });

export const label = bucket.bucket.apply((name) => {
  throw new Error(`no label for ${name}`); // line 6: the plan's error must point here
});
