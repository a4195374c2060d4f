/**
 * The AWS calls of the health API handler, per check (`HEALTH_CHECKS`); each account's handler runs
 * only its own checks (see functions/shared/access.ts).
 */
import type { AccessDeclaration, DeclaredCall } from "../shared/access";

const check = (name: string, calls: DeclaredCall[]): DeclaredCall[] =>
  calls.map((call) => ({ ...call, when: { env: "HEALTH_CHECKS", includes: name } }));
const secret = (nameTemplate: string) =>
  `arn:{partition}:secretsmanager:{region}:{account}:secret:${nameTemplate}-<secretSuffix>`;
const IOT = "arn:{partition}:iot:{region}:{account}";
const probe = (action: string, resource: string): DeclaredCall => ({
  action,
  resource: `${IOT}:${resource}`,
  by: "mqtt",
  certificateInSecret: "{env.PROBE_SECRET_ID}",
});

export const HEALTH_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "health" },
  calls: [
    ...check("iot", [
      { action: "secretsmanager:GetSecretValue", resource: secret("{env.PROBE_SECRET_ID}") },
      {
        // The probe secret is encrypted with a customer managed key: Secrets Manager decrypts it
        // as the caller, who needs kms:Decrypt on that key
        // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
        action: "kms:Decrypt",
        resource: { kmsKeyOf: { secret: "{env.PROBE_SECRET_ID}" } },
        by: "implied",
        context: { "kms:ViaService": "secretsmanager.{region}.{dnsSuffix}" },
      },
      // The round trip, as the probe device with the certificate from the secret.
      probe("iot:Connect", "client/{env.PROBE_CLIENT_ID}"),
      probe("iot:Subscribe", "topicfilter/{env.PROBE_TOPIC}"),
      probe("iot:Publish", "topic/{env.PROBE_TOPIC}"),
      probe("iot:Receive", "topic/{env.PROBE_TOPIC}"),
      probe("iot:Subscribe", "topicfilter/{env.PROBE_RULES_TOPIC}"),
      probe("iot:Receive", "topic/{env.PROBE_RULES_TOPIC}"),
    ]),
    ...check("app", [
      {
        action: "dynamodb:DescribeTable",
        resource: "arn:{partition}:dynamodb:{region}:{account}:table/{env.APPLICATION_TABLE}",
      },
      {
        // A DryRun Invoke, signed by hand (no Lambda SDK client): authorized as an invoke.
        action: "lambda:InvokeFunction",
        resource: "arn:{partition}:lambda:{region}:{account}:function:{env.APPLICATION_FUNCTION}",
        by: "http",
      },
    ]),
    ...check("commandControl", [
      {
        action: "secretsmanager:GetSecretValue",
        resource: secret("{env.EXTERNAL_ID_SECRET_ID}"),
      },
      {
        action: "sts:AssumeRole",
        resource: "{env.ACCESS_ROLE_ARN}",
        externalIdSecret: "{env.EXTERNAL_ID_SECRET_ID}",
      },
      {
        // The registry table in iot-services, read with the access role command & control uses.
        action: "dynamodb:DescribeTable",
        resource:
          "arn:{partition}:dynamodb:{region}:{accountOf:{env.ACCESS_ROLE_ARN}}:table/{env.REGISTRY_TABLE}",
        as: "{env.ACCESS_ROLE_ARN}",
      },
    ]),
    ...check("analytics", [
      {
        action: "events:DescribeEventBus",
        resource: "arn:{partition}:events:{region}:{account}:event-bus/{env.TELEMETRY_BUS}",
      },
      {
        action: "kinesis:DescribeStreamSummary",
        resource: "arn:{partition}:kinesis:{region}:{account}:stream/{env.ANALYTICS_STREAM}",
      },
    ]),
  ],
};
