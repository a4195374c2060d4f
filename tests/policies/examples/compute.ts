import { ref } from "../../support/policyViews";
import { RuleExample, WEST, resource } from "./kit";

const FUNCTION = "aws:lambda/function:Function";
const fn = (props: Record<string, unknown> = {}) =>
  resource(FUNCTION, "capture", { runtime: "nodejs22.x", ...props });
const iotInvokes = resource("aws:lambda/permission:Permission", "capture-from-iot", {
  function: ref("capture", "arn"),
  principal: "iot.amazonaws.com",
  action: "lambda:InvokeFunction",
});
const record = (props: Record<string, unknown>) =>
  resource("aws:route53/record:Record", "iot-endpoint", {
    zoneId: "Z1",
    name: "iot.example.com",
    type: "A",
    aliases: [
      {
        name: "d-abc.execute-api.eu-west-1.amazonaws.com",
        zoneId: "Z2",
        evaluateTargetHealth: true,
      },
    ],
    ...props,
  });
const api = (props: Record<string, unknown>) =>
  resource("aws:apigateway/restApi:RestApi", "devices", props);
const method = (authorization: string) =>
  resource("aws:apigateway/method:Method", "devices-post", {
    restApi: ref("devices"),
    resourceId: "things",
    httpMethod: "POST",
    authorization,
  });
const REGIONAL = { endpointConfiguration: { types: "REGIONAL" } };
const topicRule = (props: Record<string, unknown>) =>
  resource("aws:iot/topicRule:TopicRule", "telemetry", {
    enabled: true,
    sql: "SELECT * FROM 'dt/+/telemetry'",
    sqlVersion: "2016-03-23",
    kinesis: [{ streamName: "telemetry", roleArn: "arn:aws:iam::111111111111:role/rule" }],
    ...props,
  });

/** Functions, APIs, DNS records, IoT rules and certificates. */
export const computeExamples: RuleExample[] = [
  {
    rule: "lambda-function-runtime",
    failing: [WEST, fn({ runtime: "nodejs18.x" })],
    rejects: "capture",
    passing: [WEST, fn()],
  },
  {
    rule: "lambda-function-failure-destination",
    failing: [WEST, fn(), iotInvokes],
    rejects: "capture",
    passing: [
      WEST,
      resource("aws:sqs/queue:Queue", "capture-failures", {}),
      fn({ deadLetterConfig: { targetArn: ref("capture-failures", "arn") } }),
      iotInvokes,
    ],
  },
  {
    rule: "route53-record-failover",
    config: { drDomains: ["iot.example.com"], rtoTargetSeconds: 300 },
    failing: [WEST, record({})],
    rejects: "iot-endpoint",
    passing: [
      WEST,
      record({ failoverRoutingPolicies: [{ type: "PRIMARY" }], setIdentifier: "eu-west-1" }),
    ],
  },
  {
    rule: "apigateway-endpoint-regional",
    failing: [WEST, api({})],
    rejects: "devices",
    passing: [WEST, api(REGIONAL)],
  },
  {
    rule: "apigateway-method-authorized",
    failing: [WEST, api(REGIONAL), method("NONE")],
    rejects: "devices-post",
    passing: [WEST, api(REGIONAL), method("AWS_IAM")],
  },
  {
    rule: "iot-topic-rule-error-action",
    failing: [WEST, topicRule({})],
    rejects: "telemetry",
    passing: [
      WEST,
      topicRule({
        errorAction: {
          sqs: {
            queueUrl: "https://sqs.eu-west-1.amazonaws.com/111111111111/rule-errors",
            roleArn: "arn:aws:iam::111111111111:role/rule",
            useBase64: false,
          },
        },
      }),
    ],
  },
  {
    rule: "acm-certificate-dns-validated",
    failing: [
      WEST,
      resource("aws:acm/certificate:Certificate", "api-cert", {
        domainName: "api.example.com",
        validationMethod: "EMAIL",
      }),
    ],
    rejects: "api-cert",
    passing: [
      WEST,
      resource("aws:acm/certificate:Certificate", "api-cert", {
        domainName: "api.example.com",
        validationMethod: "DNS",
      }),
    ],
  },
];
