import * as aws from "@pulumi/aws";

// One region only, no stream, and the AWS owned key: lost with its region.
new aws.dynamodb.Table("registry", {
  name: "registry",
  billingMode: "PAY_PER_REQUEST",
  hashKey: "pk",
  attributes: [{ name: "pk", type: "S" }],
  // Restorable and protected, so the sample breaks only the two rules it is about.
  pointInTimeRecovery: { enabled: true },
  deletionProtectionEnabled: true,
});
