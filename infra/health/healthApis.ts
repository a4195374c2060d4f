import * as pulumi from "@pulumi/pulumi";
import { AccountKey } from "../config";
import { Statement } from "../../components/iam/policyDocument";
import { NAMES, namedArn } from "../../core/names";
import { partitionOf, dnsSuffixOf } from "../../core/arn";
import { healthRoleName } from "../dataPlane/commandControl/accessRole";
import { iotHealthCheck } from "../../components/failover/iotHealthCheck";
import { HealthDeps } from "./deps";

/** What one account's health API checks, and exactly what its handler may read to check it. */
export interface HealthApiSpec {
  /** The name the aggregator's decision reports. */
  name: string;
  account: AccountKey;
  checks: string[];
  /** A fixed role name, where another stack's trust policy names the handler's role. */
  roleName?: string;
  statements: Statement[];
  environment: Record<string, pulumi.Input<string>>;
  layers?: pulumi.Input<string>[];
}

export interface HealthApiInputs {
  region: string;
  accounts: Record<AccountKey, string>;
  /** iot-services' ATS data endpoint in this region: where the probe connects. */
  iotEndpoint: pulumi.Input<string>;
  deps: HealthDeps;
}

/** The three health APIs of a region: iot-services (IoT + application), C&C, analytics. */
export function healthApiSpecs(inputs: HealthApiInputs): HealthApiSpec[] {
  const { region, accounts, deps } = inputs;
  const iot = accounts.iotServices;
  const arn = (service: string, account: string, resource: pulumi.Input<string>) =>
    pulumi.output(resource).apply((r) => namedArn(service, region, account, r));
  // Secrets Manager appends six random characters to a secret's ARN.
  const secretArn = (account: string, name: string) =>
    namedArn("secretsmanager", region, account, `secret:${name}-??????`);
  // The iot check as the component defines it, and the application's checks beside it.
  const probe = iotHealthCheck({
    region,
    accountId: iot,
    iotEndpoint: inputs.iotEndpoint,
    probeSecretKeyArn: deps.probeSecretKeyArn,
  });
  return [
    {
      name: "iot-services",
      account: "iotServices",
      checks: [...probe.checks, "app"],
      statements: [
        ...probe.statements,
        {
          sid: "DescribeApplicationTable",
          actions: ["dynamodb:DescribeTable"],
          resources: [arn("dynamodb", iot, pulumi.interpolate`table/${deps.applicationTableName}`)],
        },
        {
          // A DryRun invoke is authorized as an invoke, and runs nothing.
          sid: "DryRunApplicationFunction",
          actions: ["lambda:InvokeFunction"],
          resources: [
            arn("lambda", iot, pulumi.interpolate`function:${deps.applicationFunctionName}`),
          ],
        },
        ...(deps.faultInjection?.statements ?? []),
      ],
      environment: {
        ...probe.environment,
        APPLICATION_TABLE: deps.applicationTableName,
        APPLICATION_FUNCTION: deps.applicationFunctionName,
        DNS_SUFFIX: dnsSuffixOf(region),
        ...deps.faultInjection?.environment,
      },
      layers: deps.faultInjection?.layers,
    },
    {
      name: "command-control",
      account: "commandControl",
      checks: ["commandControl"],
      // The access role's trust (secondary stack) names this role, so it has a fixed name.
      roleName: healthRoleName(region),
      statements: [
        {
          sid: "ReadAccessExternalId",
          actions: ["secretsmanager:GetSecretValue"],
          resources: [secretArn(accounts.commandControl, NAMES.commandControlExternalIdSecret)],
        },
        {
          sid: "AssumeIotServicesAccess",
          actions: ["sts:AssumeRole"],
          resources: [
            namedArn("iam", region, iot, `role/${NAMES.commandControlAccessRole}`, {
              global: true,
            }),
          ],
        },
      ],
      environment: {
        ACCESS_ROLE_ARN: `arn:${partitionOf(region)}:iam::${iot}:role/${NAMES.commandControlAccessRole}`,
        EXTERNAL_ID_SECRET_ID: NAMES.commandControlExternalIdSecret,
        REGISTRY_TABLE: NAMES.registryTable,
      },
    },
    {
      name: "data-analytics",
      account: "dataAnalytics",
      checks: ["analytics"],
      statements: [
        {
          sid: "DescribeTelemetryBus",
          actions: ["events:DescribeEventBus"],
          resources: [
            arn(
              "events",
              accounts.dataAnalytics,
              pulumi.interpolate`event-bus/${deps.telemetryBusName}`,
            ),
          ],
        },
        {
          sid: "DescribeAnalyticsStream",
          actions: ["kinesis:DescribeStreamSummary"],
          resources: [
            arn(
              "kinesis",
              accounts.dataAnalytics,
              pulumi.interpolate`stream/${deps.analyticsStreamName}`,
            ),
          ],
        },
      ],
      environment: {
        TELEMETRY_BUS: deps.telemetryBusName,
        ANALYTICS_STREAM: deps.analyticsStreamName,
      },
    },
  ];
}
