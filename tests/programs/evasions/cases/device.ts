import * as aws from "@pulumi/aws";
import { ACCOUNT, Evasion, policyDocument } from "../kit";

const scoped = "iot-policy-device-scoped";
const IOT = `arn:aws:iot:eu-west-1:${ACCOUNT}`;

const iotPolicy =
  (name: string, statement: Record<string, unknown>): Evasion["build"] =>
  ({ west }) =>
    new aws.iot.Policy(
      name,
      { policy: policyDocument({ Effect: "Allow", ...statement }) },
      { provider: west },
    );

/** Device policies that let one device speak for others. */
export const devices: Evasion[] = [
  {
    resource: "device-connect-any-client",
    rule: scoped,
    tries: "devices connecting under any client id",
    build: iotPolicy("device-connect-any-client", {
      Action: "iot:Connect",
      Resource: `${IOT}:client/*`,
    }),
  },
  {
    resource: "device-any-shadow-subscribe",
    rule: scoped,
    tries: "devices reading every thing's shadow",
    build: iotPolicy("device-any-shadow-subscribe", {
      Action: "iot:Subscribe",
      Resource: `${IOT}:topicfilter/$aws/things/*/shadow/*`,
    }),
  },
  {
    resource: "device-update-any-shadow",
    rule: scoped,
    tries: "devices updating any thing's shadow over HTTP",
    build: iotPolicy("device-update-any-shadow", {
      Action: "iot:UpdateThingShadow",
      Resource: `${IOT}:thing/*`,
    }),
  },
  {
    resource: "device-publish-jobs",
    rule: scoped,
    tries: "devices driving other things' jobs (a wildcard in the thing name)",
    build: iotPolicy("device-publish-jobs", {
      Action: "iot:Publish",
      Resource: `${IOT}:topic/$aws/things/iot-dr-device-*/jobs/*`,
    }),
  },
  {
    resource: "function-url-open",
    rule: "apigateway-method-authorized",
    tries: "a function URL with no authorization in front of the device API",
    build: ({ west }) =>
      new aws.lambda.FunctionUrl(
        "function-url-open",
        { functionName: "device-api", authorizationType: "NONE" },
        { provider: west },
      ),
  },
];
