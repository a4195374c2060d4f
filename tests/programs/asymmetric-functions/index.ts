import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const isPrimary = pulumi.getStack() === "primary";
const region = isPrimary ? "eu-west-1" : "eu-central-1";
const account = "123456789012";

// The bus exists in both stacks; the primary fronts both with the global endpoint.
new aws.cloudwatch.EventBus("telemetry", { name: "telemetry" });
if (isPrimary) {
  new aws.cloudwatch.EventEndpoint("telemetry", {
    name: "telemetry",
    roleArn: `arn:aws:iam::${account}:role/telemetry-replication`,
    routingConfig: {
      failoverConfig: {
        primary: { healthCheck: `arn:aws:route53:::healthcheck/0f1e2d3c` },
        secondary: { route: "eu-central-1" },
      },
    },
    eventBuses: ["eu-west-1", "eu-central-1"].map((r) => ({
      eventBusArn: `arn:aws:events:${r}:${account}:event-bus/telemetry`,
    })),
  });
}

const role = new aws.iam.Role("report-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
});
// Only in the primary stack: after a failover the secondary region has no report function.
if (isPrimary) {
  new aws.lambda.Function("report", {
    runtime: "nodejs22.x",
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({}),
  });
}
export const where = region;
