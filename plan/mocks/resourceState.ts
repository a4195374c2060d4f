import { formatArn } from "../../core/arn";
import { DATA_PLANE_MAKERS } from "./dataPlaneState";
import { ENDPOINT_MAKERS } from "./endpointState";
import { IOT_PLANE_MAKERS } from "./iotPlaneState";
import { HEALTH_MAKERS } from "./healthState";
import {
  StateContext,
  StateMaker,
  arn,
  named,
  physicalName,
  stableHex,
  stableUuid,
} from "./naming";

export { StateContext, physicalName, stableHex } from "./naming";

/** Computed state per resource type; types not listed get `named(<module>, <type>)`. */
const MAKERS: Record<string, StateMaker> = {
  ...ENDPOINT_MAKERS,
  ...HEALTH_MAKERS,
  ...DATA_PLANE_MAKERS,
  "aws:iam/role:Role": (ctx, seed) => {
    const state = named("iam", "role", { regionless: true })(ctx, seed);
    return {
      ...state,
      state: { ...state.state, uniqueId: `AROA${stableHex(seed, 17).toUpperCase()}` },
    };
  },
  "aws:iam/policy:Policy": named("iam", "policy", { regionless: true }),
  // Global, with six characters Region switch appends to the name (ARCRegionSwitch API, Plan arn).
  "aws:arcregionswitch/plan:Plan": (ctx, seed) => {
    const planArn = arn(
      ctx,
      "arc-region-switch",
      `plan/${physicalName(ctx)}:${stableHex(seed, 6)}`,
      true,
    );
    return { id: planArn, state: { arn: planArn } };
  },
  "aws:iam/rolePolicy:RolePolicy": (ctx) => ({
    id: `${String(ctx.inputs.role)}:${physicalName(ctx)}`,
    state: {},
  }),
  "aws:dynamodb/table:Table": (ctx) => {
    const name = physicalName(ctx);
    const tableArn = arn(ctx, "dynamodb", `table/${name}`);
    const streamLabel = "2026-01-01T00:00:00.000";
    const streams = ctx.inputs.streamEnabled === true;
    return {
      id: name,
      state: {
        name,
        arn: tableArn,
        streamArn: streams ? `${tableArn}/stream/${streamLabel}` : "",
        streamLabel: streams ? streamLabel : "",
        replicas: ((ctx.inputs.replicas as Record<string, unknown>[] | undefined) ?? []).map(
          (r) => ({
            ...r,
            arn: formatArn({
              ...ctx.where,
              service: "dynamodb",
              region: String(r.regionName),
              resource: `table/${name}`,
            }),
            streamArn: formatArn({
              ...ctx.where,
              service: "dynamodb",
              region: String(r.regionName),
              resource: `table/${name}/stream/${streamLabel}`,
            }),
            streamLabel,
          }),
        ),
      },
    };
  },
  "aws:lambda/function:Function": (ctx) => {
    const name = physicalName(ctx);
    const fnArn = arn(ctx, "lambda", `function:${name}`);
    return {
      id: name,
      state: {
        name,
        arn: fnArn,
        qualifiedArn: `${fnArn}:$LATEST`,
        version: "$LATEST",
        invokeArn: `arn:${ctx.where.partition}:apigateway:${ctx.where.region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
      },
    };
  },
  "aws:sqs/queue:Queue": (ctx) => {
    const name = physicalName(ctx);
    const url = `https://sqs.${ctx.where.region}.${ctx.where.dnsSuffix}/${ctx.where.account}/${name}`;
    return { id: url, state: { name, url, arn: arn(ctx, "sqs", name) } };
  },
  // A subscription's ARN is its topic's ARN and an id, so it sits in the topic's account and
  // region whoever subscribes (SubscriptionArn of https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html).
  "aws:sns/topicSubscription:TopicSubscription": (ctx, seed) => {
    const subscriptionArn = `${String(ctx.inputs.topic)}:${stableUuid(seed)}`;
    return { id: subscriptionArn, state: { arn: subscriptionArn } };
  },
  "aws:sns/topic:Topic": (ctx) => {
    const name = physicalName(ctx);
    const topicArn = arn(ctx, "sns", name);
    return { id: topicArn, state: { name, arn: topicArn } };
  },
  "aws:kms/key:Key": (ctx, seed) => {
    const keyId = stableUuid(seed);
    return { id: keyId, state: { keyId, arn: arn(ctx, "kms", `key/${keyId}`) } };
  },
  "aws:s3/bucket:Bucket": (ctx) => {
    const bucket = physicalName(ctx, "bucket");
    return {
      id: bucket,
      state: {
        bucket,
        arn: arn(ctx, "s3", bucket, true, true),
        bucketDomainName: `${bucket}.s3.${ctx.where.dnsSuffix}`,
        bucketRegionalDomainName: `${bucket}.s3.${ctx.where.region}.${ctx.where.dnsSuffix}`,
        region: ctx.where.region,
      },
    };
  },
  "aws:cloudwatch/eventBus:EventBus": named("events", "event-bus"),
  // A rule on a custom bus has the bus name in its ARN (`rule/<bus>/<name>`); the bus may be
  // given by name or by ARN. Service Authorization Reference, EventBridge resource types
  // `rule-on-default-event-bus` and `rule-on-custom-event-bus`.
  "aws:cloudwatch/eventRule:EventRule": (ctx) => {
    const name = physicalName(ctx);
    const given = typeof ctx.inputs.eventBusName === "string" ? ctx.inputs.eventBusName : "";
    const bus = given.startsWith("arn:") ? given.split(":event-bus/")[1] : given;
    const resource = bus && bus !== "default" ? `rule/${bus}/${name}` : `rule/${name}`;
    return { id: name, state: { name, arn: arn(ctx, "events", resource) } };
  },
  // CloudWatch Logs separates type and name with a colon; the provider's `arn` has no `:*`
  // (AWS's API adds one; the provider strips it). Reference resource type `log-group`.
  "aws:cloudwatch/logGroup:LogGroup": (ctx) => {
    const name = physicalName(ctx);
    return { id: name, state: { name, arn: arn(ctx, "logs", `log-group:${name}`) } };
  },
  // Reference resource type `alarm`: `alarm:<name>`.
  "aws:cloudwatch/metricAlarm:MetricAlarm": (ctx) => {
    const name = physicalName(ctx);
    return { id: name, state: { name, arn: arn(ctx, "cloudwatch", `alarm:${name}`) } };
  },
  "aws:iot/topicRule:TopicRule": named("iot", "rule"),
  "aws:iot/policy:Policy": (ctx, seed) => {
    const state = named("iot", "policy")(ctx, seed);
    return { ...state, state: { ...state.state, defaultVersionId: "1" } };
  },
  "aws:iot/thing:Thing": named("iot", "thing"),
  "aws:sfn/stateMachine:StateMachine": (ctx, seed) => {
    const state = named("states", "stateMachine")(ctx, seed);
    return { id: String(state.state.arn), state: state.state };
  },
  "aws:kinesis/stream:Stream": named("kinesis", "stream"),
  "aws:route53/healthCheck:HealthCheck": (ctx, seed) => {
    const id = stableUuid(seed);
    return { id, state: { arn: arn(ctx, "route53", `healthcheck/${id}`, true, true) } };
  },
  "aws:route53/record:Record": (ctx) => {
    const name = typeof ctx.inputs.name === "string" ? ctx.inputs.name : ctx.name;
    return {
      id: `${String(ctx.inputs.zoneId)}_${name}_${String(ctx.inputs.type)}`,
      state: { fqdn: name },
    };
  },
  "aws:apigateway/restApi:RestApi": (ctx, seed) => {
    const id = stableHex(seed, 10);
    return {
      id,
      state: {
        name: physicalName(ctx),
        arn: arn(ctx, "apigateway", `/restapis/${id}`, false, true),
        executionArn: arn(ctx, "execute-api", id),
        rootResourceId: stableHex(`${seed}/root`, 10),
      },
    };
  },
  "aws:secretsmanager/secret:Secret": (ctx, seed) => {
    const name = physicalName(ctx);
    const secretArn = arn(ctx, "secretsmanager", `secret:${name}-${stableHex(seed, 6)}`);
    return { id: secretArn, state: { name, arn: secretArn } };
  },
  // Last, so the IoT plane's corrected shapes (e.g. state machine ARNs) win.
  ...IOT_PLANE_MAKERS,
};

/** The ARN service of a Pulumi module: mostly its name, but CloudWatch holds EventBridge and Logs. */
function serviceOf(module: string, kind: string): string {
  const service = module.split("/")[0];
  if (service === "cloudwatch" && kind.startsWith("Event")) return "events";
  if (service === "cloudwatch" && kind.startsWith("Log")) return "logs";
  const renamed: Record<string, string> = {
    sfn: "states",
    apigatewayv2: "apigateway",
    cognito: "cognito-idp",
  };
  return renamed[service] ?? service;
}

/** The id and state a real `pulumi up` would leave for this resource: inputs plus computed outputs. */
export function mockResourceState(ctx: StateContext): {
  id: string;
  state: Record<string, unknown>;
} {
  const seed = `${ctx.type}/${ctx.name}/${ctx.where.account}/${ctx.where.region}`;
  const [, module = "", kind = ""] = ctx.type.split(":");
  const maker =
    MAKERS[ctx.type] ??
    named(serviceOf(module, kind), kind.charAt(0).toLowerCase() + kind.slice(1));
  const made = maker(ctx, seed);
  return { id: made.id, state: { ...ctx.inputs, ...made.state } };
}
