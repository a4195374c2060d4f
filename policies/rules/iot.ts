import { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "./preview";
import { asRecord, commonSchema, resourceSubject } from "./support";

/** Without an error action, a rule whose action fails drops the message silently. */
export const iotTopicRuleErrorAction: ResourceValidationPolicy = {
  name: "iot-topic-rule-error-action",
  description:
    "IoT topic rules must have an errorAction (e.g. to SQS or CloudWatch Logs) so failed actions are not dropped silently.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (args.type !== "aws:iot/topicRule:TopicRule") return;
    const errorAction = resourceSubject(args).props.errorAction;
    if (!isUnknown(errorAction) && Object.keys(asRecord(errorAction)).length === 0) {
      report(
        `IoT topic rule ${args.name} has no errorAction: add one (e.g. errorAction: { sqs: {...} }) so failed actions are kept.`,
      );
    }
  },
};
