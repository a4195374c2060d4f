import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// A custom bus no global endpoint fronts.
const bus = new aws.cloudwatch.EventBus("telemetry", { name: "telemetry" });
const role = new aws.iam.Role("handler-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
});
// An old runtime, invoked asynchronously by EventBridge, with nowhere for failed events.
const handler = new aws.lambda.Function("handler", {
  runtime: "nodejs18.x",
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({}),
});
const rule = new aws.cloudwatch.EventRule("all", {
  eventBusName: bus.name,
  eventPattern: JSON.stringify({ source: [{ prefix: "" }] }),
});
new aws.cloudwatch.EventTarget("all-to-handler", {
  rule: rule.name,
  eventBusName: bus.name,
  arn: handler.arn,
});
new aws.lambda.Permission("events-invoke", {
  function: handler.name,
  action: "lambda:InvokeFunction",
  principal: "events.amazonaws.com",
  sourceArn: rule.arn,
});
// A topic rule without an error action, an SSE-SQS queue and an unencrypted topic.
new aws.iot.TopicRule("telemetry", {
  sql: "SELECT * FROM 'devices/+/telemetry'",
  sqlVersion: "2016-03-23",
  enabled: true,
  cloudwatchLogs: [{ logGroupName: "/iot/telemetry", roleArn: role.arn }],
});
new aws.sqs.Queue("jobs", { sqsManagedSseEnabled: true });
new aws.sns.Topic("alerts");
