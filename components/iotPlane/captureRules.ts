import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RESERVED_NAME_PREFIX } from "../../core/reserved";
import { componentOptions } from "../shared/formerTypes";

/** What every capture rule adds to the message: where and when IoT Core saw it. */
const PROJECTION = "*, topic() AS topic, timestamp() AS receivedAt";

/**
 * Drops events of the platform's own objects (the health probe's thing and policy, see
 * core/reserved.ts) before they cost an invocation: `levels` are the topic levels
 * (1-based, as IoT SQL's topic(n)) that hold a thing, thing type or thing group name.
 */
const notReserved = (...levels: number[]) =>
  ` WHERE ${levels.map((n) => `NOT startswith(topic(${n}), '${RESERVED_NAME_PREFIX}')`).join(" AND ")}`;

/**
 * Capture rules by name suffix: the registry event topics and the shadow `update/accepted` and
 * `delete/accepted` topics.
 */
export const CAPTURE_RULES: Record<string, { description: string; sql: string }> = {
  registry_thing: {
    description: "Thing created, updated or deleted",
    sql: `SELECT ${PROJECTION} FROM '$aws/events/thing/+/+'${notReserved(4)}`,
  },
  registry_thing_type: {
    description: "Thing type created, updated, deprecated or deleted",
    sql: `SELECT ${PROJECTION} FROM '$aws/events/thingType/+/+'${notReserved(4)}`,
  },
  registry_thing_type_association: {
    description: "Thing type associated with or removed from a thing",
    sql: `SELECT ${PROJECTION} FROM '$aws/events/thingTypeAssociation/thing/+/+'${notReserved(5, 6)}`,
  },
  registry_thing_group: {
    description: "Thing group created, updated or deleted",
    sql: `SELECT ${PROJECTION} FROM '$aws/events/thingGroup/+/+'${notReserved(4)}`,
  },
  registry_thing_group_membership: {
    description: "Thing added to or removed from a thing group",
    sql: `SELECT ${PROJECTION} FROM '$aws/events/thingGroupMembership/thingGroup/+/thing/+/+'${notReserved(5, 7)}`,
  },
  registry_thing_group_hierarchy: {
    description: "Thing group added to or removed from a parent group",
    sql: `SELECT ${PROJECTION} FROM '$aws/events/thingGroupHierarchy/thingGroup/+/childThingGroup/+/+'${notReserved(5, 7)}`,
  },
  // $aws/things/<thing>/shadow/update/accepted: the thing is level 3.
  shadow_classic: {
    description: "Classic shadow update accepted",
    sql: `SELECT ${PROJECTION}, topic(3) AS thingName FROM '$aws/things/+/shadow/update/accepted'${notReserved(3)}`,
  },
  // $aws/things/<thing>/shadow/name/<shadow>/update/accepted: thing level 3, shadow level 6.
  shadow_named: {
    description: "Named shadow update accepted",
    sql: `SELECT ${PROJECTION}, topic(3) AS thingName, topic(6) AS shadowName FROM '$aws/things/+/shadow/name/+/update/accepted'${notReserved(3)}`,
  },
  // A deleted shadow: the other region deletes its copy.
  shadow_classic_deleted: {
    description: "Classic shadow deleted",
    sql: `SELECT ${PROJECTION}, topic(3) AS thingName FROM '$aws/things/+/shadow/delete/accepted'${notReserved(3)}`,
  },
  shadow_named_deleted: {
    description: "Named shadow deleted",
    sql: `SELECT ${PROJECTION}, topic(3) AS thingName, topic(6) AS shadowName FROM '$aws/things/+/shadow/name/+/delete/accepted'${notReserved(3)}`,
  },
};

/** Arguments of {@link CaptureRules}. */
export interface CaptureRulesArgs {
  account: string;
  /** The capture function. */
  functionArn: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  /** Dead-letter queue for messages a rule cannot hand to the function. */
  deadLetterQueueUrl: pulumi.Input<string>;
  /** Role the rules assume to send to the dead-letter queue. */
  ruleRoleArn: pulumi.Input<string>;
  /** Prefix of the rules' names (letters, digits and `_`): the rule role trusts it. */
  ruleNamePrefix: string;
}

/**
 * Topic rules that hand registry events and accepted shadow updates to the capture function. Each
 * invokes it asynchronously; a failed hand-over goes to the dead-letter queue instead of vanishing,
 * and only these rules (by ARN, in this account) may invoke the function.
 */
export class CaptureRules extends pulumi.ComponentResource {
  public readonly rules: aws.iot.TopicRule[];

  constructor(name: string, args: CaptureRulesArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:CaptureRules", name, {}, componentOptions("iot-dr:iot:CaptureRules", opts));
    this.rules = Object.entries(CAPTURE_RULES).map(([suffix, rule]) => {
      const topicRule = new aws.iot.TopicRule(
        `${name}-${suffix}`,
        {
          name: `${args.ruleNamePrefix}${suffix}`,
          description: `iot-dr capture: ${rule.description}`,
          enabled: true,
          sql: rule.sql,
          sqlVersion: "2016-03-23",
          lambdas: [{ functionArn: args.functionArn }],
          errorAction: {
            sqs: { queueUrl: args.deadLetterQueueUrl, roleArn: args.ruleRoleArn, useBase64: false },
          },
        },
        { parent: this },
      );
      new aws.lambda.Permission(
        `${name}-${suffix}-invoke`,
        {
          function: args.functionName,
          action: "lambda:InvokeFunction",
          principal: "iot.amazonaws.com",
          sourceArn: topicRule.arn,
          sourceAccount: args.account,
        },
        { parent: this },
      );
      return topicRule;
    });
    this.registerOutputs({ ruleArns: this.rules.map((r) => r.arn) });
  }
}
