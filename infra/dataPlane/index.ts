import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../core/arn";
import { GlobalEventBus } from "../../components/globalEventBus";
import { MRAP_CONTROL_REGION, MultiRegionBucket } from "../../components/multiRegionBucket";
import { StackContext } from "../context";
import { NodeFunction } from "../../components/lambda/nodeFunction";
import { movedChildren } from "../../components/moved";
import { NAMES, namedArn } from "../../core/names";
import { ProcessedTelemetryTable } from "./analytics/processedTelemetryTable";
import { REPLICA_SETTLE_SECONDS, TelemetryTargets } from "./analytics/telemetryTargets";
import { ApplicationTable } from "./application/applicationTable";
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
import { externalIdFromSecret } from "../../core/externalId";

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
  const dp = config.dataPlane;
  const own = config.role;
  const events = new GlobalEventBus(
    "telemetry",
    {
      providers: { [own]: ctx.provider("dataAnalytics") },
      sides: [own],
      accountId: analytics,
      regions: config.regions,
      busName: NAMES.telemetryBus,
      endpointName: NAMES.telemetryEndpoint,
      producer: { accountId: config.accounts.iotServices.id, source: NAMES.telemetrySource },
      health: {
        latencyThresholdMs: dp.telemetryLatencyThresholdMs,
        alarmPeriodSeconds: dp.telemetryAlarmPeriodSeconds,
        alarmEvaluationPeriods: dp.telemetryAlarmEvaluationPeriods,
      },
    },
    {
      parent,
      // Before the component, the bus and the endpoint were children of the account's region.
      transformations: [
        movedChildren(GlobalEventBus, {
          [`telemetry-${own}`]: { name: "telemetry", parent },
          telemetry: { parent },
        }),
      ],
    },
  );
  const bus = events.buses[own]!;
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

  const endpointId = events.endpointId!;
  for (const region of [config.regions.primary, config.regions.secondary]) {
    new RegionalParameter(
      `telemetry-endpoint-id-${region}`,
      {
        parameterName: NAMES.telemetryEndpointIdParameter,
        description: "EventBridge global endpoint id for PutEvents (EndpointId)",
        value: endpointId,
      },
      { parent: ctx.in("iotServices", region) },
    );
  }
  return {
    ...outputs,
    telemetryEndpointId: endpointId,
    telemetryEndpointArn: events.endpoint!.arn,
    telemetryHealthCheckId: events.healthCheck!.id,
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
  const own = config.role;
  const peer = own === "primary" ? "secondary" : "primary";
  // The primary stack replicates into the secondary's bucket with the key that stack made.
  const secondaryKeyArn = ctx.secondary?.reference
    .requireOutput("applicationBucketKeyArn")
    .apply((arn) => String(arn));
  const buckets = new MultiRegionBucket(
    "application",
    {
      providers: {
        [own]: ctx.provider("iotServices"),
        ...(ctx.isPrimary
          ? {
              [peer]: ctx.provider("iotServices", config.peerRegion),
              accessPointControl: ctx.provider("iotServices", MRAP_CONTROL_REGION),
            }
          : {}),
      },
      sides: [own],
      accountId: account,
      regions: config.regions,
      bucketPrefix: NAMES.applicationBucketPrefix,
      accessPointName: NAMES.applicationAccessPoint,
      activeRegion: config.dataPlane.s3ActiveRegion,
      noncurrentVersionDays: config.dataPlane.noncurrentVersionDays,
      replicationTimeControl: config.dataPlane.s3ReplicationTimeControl,
      secondaryKeyArn,
    },
    {
      parent,
      // Before the component these were children of the account's region they act in.
      transformations: [
        movedChildren(MultiRegionBucket, {
          [`application-${own}`]: { name: "application", parent },
          // Only `primary` builds what spans both regions (and has these account regions).
          ...(ctx.isPrimary
            ? {
                "application-replication": { parent },
                [`application-to-${config.peerRegion}`]: { parent },
                [`application-to-${config.ownRegion}`]: {
                  parent: ctx.in("iotServices", config.peerRegion),
                },
                application: { parent: ctx.in("iotServices", MRAP_CONTROL_REGION) },
              }
            : {}),
        }),
      ],
    },
  );
  const bucket = buckets.buckets[own]!;
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

  const accessPointArn = buckets.accessPoint!.arn;
  for (const region of regions) {
    new RegionalParameter(
      `application-access-point-${region}`,
      {
        parameterName: NAMES.applicationAccessPointParameter,
        description:
          "ARN of the application Multi-Region Access Point (S3 clients sign with SigV4a)",
        value: accessPointArn,
      },
      { parent: ctx.in("iotServices", region) },
    );
  }
  return {
    ...outputs,
    applicationAccessPointArn: accessPointArn,
    applicationAccessPointActiveRegion: buckets.activeRegion,
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
    // Only `pulumi up` reads it: a preview (a pull request's, through the read-only roles, which
    // may not read secrets) shows the trust's external id as unknown instead. At `up` it gets the
    // same reading as the handlers': a value they would refuse fails the deployment here.
    const externalId = pulumi.runtime.isDryRun()
      ? pulumi.secret(pulumi.output<string>(pulumi.unknown as unknown as string))
      : aws.secretsmanager
          .getSecretVersionOutput({ secretId: NAMES.commandControlExternalIdSecret }, { parent })
          .apply((version) =>
            pulumi.secret(
              externalIdFromSecret(version.secretString, NAMES.commandControlExternalIdSecret),
            ),
          );
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
        // The fleet policy contract's listen-only topic (functions/commandControl/policyContract.ts).
        RECONNECT_TOPIC: config.health.reconnect.topic,
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
      callers: { account: cc, partition, roleArns: config.dataPlane.apiCallerRoleArns },
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
