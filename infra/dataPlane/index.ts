import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../arn";
import { StackContext } from "../context";
import { NodeFunction } from "../lambda/nodeFunction";
import { NAMES, namedArn } from "../names";
import { GlobalEndpoint } from "./analytics/globalEndpoint";
import { TelemetryBus } from "./analytics/telemetryBus";
import { ProcessedTelemetryTable } from "./analytics/processedTelemetryTable";
import { REPLICA_SETTLE_SECONDS, TelemetryTargets } from "./analytics/telemetryTargets";
import { ApplicationAccessPoint } from "./application/accessPoint";
import {
  ApplicationBucket,
  applicationBucketArn,
  applicationBucketName,
} from "./application/applicationBucket";
import { ApplicationTable } from "./application/applicationTable";
import { BucketReplication } from "./application/bucketReplication";
import { ReplicationRole } from "./application/replicationRole";
import {
  CommandControlAccessRole,
  handlerRoleName,
  healthRoleName,
} from "./commandControl/accessRole";
import { ApiCertificate } from "./commandControl/apiCertificate";
import { ApiDomain } from "./commandControl/apiDomain";
import { apiGatewayLoggingIn } from "../health/apiGatewayLogging";
import { CertificateValidationRecord } from "./commandControl/certificateValidationRecord";
import { DeviceApi, STAGE_NAME } from "./commandControl/deviceApi";
import { eventBridgeBudget } from "./eventBridgeBudget";
import { RegionalParameter } from "./regionalParameter";

/** The Multi-Region Access Point control plane is served from us-west-2 only. */
export const MRAP_CONTROL_REGION = "us-west-2";

/**
 * The data plane (telemetry bus, global endpoint, application buckets, table and functions) and
 * the command & control API. `secondary` builds its region's half; `primary` builds its half and
 * what spans both regions: bucket replication both ways, the access point, the global endpoint.
 */
export function defineDataPlane(ctx: StackContext): Record<string, unknown> {
  return {
    ...defineAnalytics(ctx),
    ...defineApplication(ctx),
    ...defineCommandControl(ctx),
  };
}

function defineAnalytics(ctx: StackContext): Record<string, unknown> {
  const { config } = ctx;
  const analytics = config.accounts.dataAnalytics.id;
  const parent = ctx.in("dataAnalytics");
  const bus = new TelemetryBus(
    "telemetry",
    { accountId: analytics, iotServicesAccountId: config.accounts.iotServices.id },
    { parent },
  );
  // Each telemetry message once across both regions: see docs/telemetry-replication.md.
  if (!ctx.isPrimary) {
    new ProcessedTelemetryTable(
      "telemetry-processed",
      { replicaRegion: config.regions.primary },
      { parent },
    );
  }
  const targets = new TelemetryTargets(
    "telemetry",
    {
      accountId: analytics,
      region: config.ownRegion,
      busName: bus.bus.name,
      settleSeconds: ctx.isPrimary ? 0 : REPLICA_SETTLE_SECONDS,
    },
    { parent },
  );
  const outputs: Record<string, unknown> = {
    telemetryBusName: bus.bus.name,
    telemetryBusArn: bus.bus.arn,
    telemetryStreamName: targets.stream.name,
    telemetryStateMachineArn: targets.stateMachine.arn,
  };
  if (!ctx.isPrimary) return outputs;

  const dp = config.dataPlane;
  const busArn = (region: string) =>
    namedArn("events", region, analytics, `event-bus/${NAMES.telemetryBus}`);
  const endpoint = new GlobalEndpoint(
    "telemetry",
    {
      accountId: analytics,
      primaryRegion: config.regions.primary,
      secondaryRegion: config.regions.secondary,
      primaryBusArn: bus.bus.arn,
      secondaryBusArn: busArn(config.regions.secondary),
      latencyThresholdMs: dp.telemetryLatencyThresholdMs,
      alarmPeriodSeconds: dp.telemetryAlarmPeriodSeconds,
      alarmEvaluationPeriods: dp.telemetryAlarmEvaluationPeriods,
    },
    { parent },
  );
  for (const region of [config.regions.primary, config.regions.secondary]) {
    new RegionalParameter(
      `telemetry-endpoint-id-${region}`,
      {
        parameterName: NAMES.telemetryEndpointIdParameter,
        description: "EventBridge global endpoint id for PutEvents (EndpointId)",
        value: endpoint.endpointId,
      },
      { parent: ctx.in("iotServices", region) },
    );
  }
  return {
    ...outputs,
    telemetryEndpointId: endpoint.endpointId,
    telemetryEndpointArn: endpoint.endpoint.arn,
    telemetryHealthCheckId: endpoint.healthCheck.id,
    telemetryBudget: eventBridgeBudget({
      alarmPeriodSeconds: dp.telemetryAlarmPeriodSeconds,
      alarmEvaluationPeriods: dp.telemetryAlarmEvaluationPeriods,
    }),
  };
}

function defineApplication(ctx: StackContext): Record<string, unknown> {
  const { config } = ctx;
  const account = config.accounts.iotServices.id;
  const partition = partitionOf(config.ownRegion);
  const parent = ctx.in("iotServices");
  const bucket = new ApplicationBucket(
    "application",
    {
      accountId: account,
      region: config.ownRegion,
      noncurrentVersionDays: config.dataPlane.noncurrentVersionDays,
    },
    { parent },
  );
  const outputs: Record<string, unknown> = {
    applicationBucketName: bucket.bucket.bucket,
    applicationBucketKeyArn: bucket.key.arn,
    applicationTableName: NAMES.applicationTable,
  };
  if (!ctx.isPrimary) {
    new ApplicationTable("application", { replicaRegion: config.regions.primary }, { parent });
  }

  const regions = [config.regions.primary, config.regions.secondary];
  const fn = new NodeFunction(
    "application",
    {
      code: "application",
      description: "Application service: documents through the Multi-Region Access Point",
      environment: {
        APPLICATION_TABLE: NAMES.applicationTable,
        ACCESS_POINT_PARAMETER: NAMES.applicationAccessPointParameter,
      },
      statements: [
        {
          sid: "ApplicationTable",
          // Indexes each document it stores; reads go to S3 (functions/application/documents.ts).
          actions: ["dynamodb:PutItem"],
          resources: [
            namedArn("dynamodb", config.ownRegion, account, `table/${NAMES.applicationTable}`),
          ],
        },
        {
          sid: "AccessPointName",
          actions: ["ssm:GetParameter"],
          resources: [
            namedArn(
              "ssm",
              config.ownRegion,
              account,
              `parameter${NAMES.applicationAccessPointParameter}`,
            ),
          ],
        },
        {
          // The access point's alias is chosen by S3 when `primary` deploys: scope to this account's.
          sid: "ObjectsThroughAccessPoint",
          actions: ["s3:GetObject", "s3:PutObject"],
          resources: [`arn:${partition}:s3::${account}:accesspoint/*/object/*`],
        },
        {
          sid: "BucketKeysThroughS3",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: regions.map((region) => namedArn("kms", region, account, "key/*")),
          conditions: {
            StringEquals: { "kms:ViaService": regions.map((r) => `s3.${r}.amazonaws.com`) },
          },
        },
      ],
    },
    { parent },
  );
  outputs.applicationFunctionName = fn.function.name;
  if (!ctx.isPrimary) return outputs;

  // Primary: what spans both regions.
  const peer = ctx.in("iotServices", config.peerRegion);
  const secondaryKeyArn = ctx
    .secondary!.reference.requireOutput("applicationBucketKeyArn")
    .apply((arn) => String(arn));
  const sides = [
    { region: config.ownRegion, bucketArn: bucket.bucket.arn, keyArn: bucket.key.arn },
    {
      region: config.peerRegion,
      bucketArn: pulumi.output(applicationBucketArn(account, config.peerRegion)),
      keyArn: secondaryKeyArn,
    },
  ] as const;
  const role = new ReplicationRole(
    "application-replication",
    { accountId: account, buckets: [sides[0], sides[1]] },
    { parent },
  );
  const rtc = config.dataPlane.s3ReplicationTimeControl;
  new BucketReplication(
    `application-to-${config.peerRegion}`,
    {
      sourceBucket: bucket.bucket.id,
      destinationBucketArn: sides[1].bucketArn,
      destinationKeyArn: sides[1].keyArn,
      roleArn: role.role.arn,
      replicationTimeControl: rtc,
    },
    { parent, dependsOn: [bucket.versioning, role.policy] },
  );
  new BucketReplication(
    `application-to-${config.ownRegion}`,
    {
      sourceBucket: applicationBucketName(account, config.peerRegion),
      destinationBucketArn: sides[0].bucketArn,
      destinationKeyArn: sides[0].keyArn,
      roleArn: role.role.arn,
      replicationTimeControl: rtc,
    },
    { parent: peer, dependsOn: [bucket.versioning, role.policy] },
  );
  const active =
    config.dataPlane.s3ActiveRegion === "primary"
      ? config.regions.primary
      : config.regions.secondary;
  const accessPoint = new ApplicationAccessPoint(
    "application",
    {
      accountId: account,
      buckets: [
        { region: config.ownRegion, bucket: bucket.bucket.bucket },
        { region: config.peerRegion, bucket: applicationBucketName(account, config.peerRegion) },
      ],
      activeRegion: active,
    },
    { parent: ctx.in("iotServices", MRAP_CONTROL_REGION) },
  );
  for (const region of regions) {
    new RegionalParameter(
      `application-access-point-${region}`,
      {
        parameterName: NAMES.applicationAccessPointParameter,
        description:
          "ARN of the application Multi-Region Access Point (S3 clients sign with SigV4a)",
        value: accessPoint.accessPoint.arn,
      },
      { parent: ctx.in("iotServices", region) },
    );
  }
  return {
    ...outputs,
    applicationAccessPointArn: accessPoint.accessPoint.arn,
    applicationAccessPointActiveRegion: active,
  };
}

function defineCommandControl(ctx: StackContext): Record<string, unknown> {
  const { config } = ctx;
  const cc = config.accounts.commandControl.id;
  const iotAccount = config.accounts.iotServices.id;
  const partition = partitionOf(config.ownRegion);
  const regions = [config.regions.primary, config.regions.secondary];
  const parent = ctx.in("commandControl");
  // The API handlers and the health handlers (which prove the same chain) of both regions.
  const handlerRoleArns = [handlerRoleName, healthRoleName].flatMap((roleName) =>
    regions.map((region) => `arn:${partition}:iam::${cc}:role/${roleName(region)}`),
  );
  const accessRoleArn = namedArn(
    "iam",
    config.ownRegion,
    iotAccount,
    `role/${NAMES.commandControlAccessRole}`,
    {
      global: true,
    },
  );

  if (!ctx.isPrimary) {
    // The operator's secret (see NAMES.commandControlExternalIdSecret) must exist before this runs.
    const externalId = aws.secretsmanager
      .getSecretVersionOutput({ secretId: NAMES.commandControlExternalIdSecret }, { parent })
      .apply((version) => pulumi.secret(version.secretString));
    new CommandControlAccessRole(
      "command-control-access",
      { iotServicesAccountId: iotAccount, regions, handlerRoleArns, externalId },
      { parent: ctx.in("iotServices") },
    );
  }

  const handler = new NodeFunction(
    "command-control-api",
    {
      code: "commandControl",
      description: "Command & control API: validates requests and writes the desired device state",
      roleName: handlerRoleName(config.ownRegion),
      timeoutSeconds: 25,
      environment: {
        REGISTRY_TABLE: NAMES.registryTable,
        ACCESS_ROLE_ARN: accessRoleArn,
        EXTERNAL_ID_SECRET: NAMES.commandControlExternalIdSecret,
        REGIONS: regions.join(","),
      },
      statements: [
        { sid: "AssumeAccessRole", actions: ["sts:AssumeRole"], resources: [accessRoleArn] },
        {
          sid: "ReadExternalId",
          actions: ["secretsmanager:GetSecretValue"],
          // Secrets Manager appends 6 random characters to the name in the ARN.
          resources: [
            namedArn(
              "secretsmanager",
              config.ownRegion,
              cc,
              `secret:${NAMES.commandControlExternalIdSecret}-??????`,
            ),
          ],
        },
      ],
    },
    { parent },
  );
  // The account's API Gateway log settings are a singleton shared with the health API.
  const apiAccount = apiGatewayLoggingIn(ctx, "commandControl").account;
  const api = new DeviceApi(
    "command-control",
    {
      functionName: handler.function.name,
      functionInvokeArn: handler.function.invokeArn,
      rateLimit: config.dataPlane.apiRateLimit,
      burstLimit: config.dataPlane.apiBurstLimit,
      dependsOn: [apiAccount],
    },
    { parent },
  );
  const domainName = config.dns.commandControlDomain;
  const certificate = new ApiCertificate("command-control", { domainName }, { parent });
  const validation = new CertificateValidationRecord(
    `command-control-${config.ownRegion}`,
    { zoneId: config.dns.hostedZoneId, record: certificate.validationRecord },
    { parent: ctx.in("sharedServices") },
  );
  const domain = new ApiDomain(
    "command-control",
    {
      domainName,
      certificateArn: certificate.certificate.arn,
      validationFqdn: validation.record.fqdn,
      restApiId: api.api.id,
      stageName: STAGE_NAME,
    },
    { parent, dependsOn: [api.stage] },
  );
  return {
    commandControlApiId: api.api.id,
    // The default execute-api URL answers 403 (disabled); callers go through the domain.
    commandControlInvokeUrl: `https://${domainName}`,
    commandControlFunctionName: handler.function.name,
    commandControlDomainTarget: {
      name: domain.domain.regionalDomainName,
      zoneId: domain.domain.regionalZoneId,
    },
  };
}
