import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { encryptedAlarmTopic } from "../../components/shared/encryptedAlarmTopic";

/** Arguments of {@link OperationsTopic}. */
export interface OperationsTopicArgs {
  /** The account that holds the topic and the alarms that publish to it. */
  accountId: string;
  partition: string;
  email?: string;
}

/**
 * The notification topic of one region's operations alarms, beside them. CloudWatch publishes an
 * alarm's SNS action in the alarm's own region, so the fail-over topic (us-east-1, primary stack)
 * cannot serve a region's alarms; and a region's alarms must still reach operators while the other
 * region, or us-east-1, is down. An {@link encryptedAlarmTopic}, like the fail-over topic.
 */
export class OperationsTopic extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;

  constructor(name: string, args: OperationsTopicArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:operations:OperationsTopic", name, {}, opts);
    this.topic = encryptedAlarmTopic(
      name,
      {
        accountId: args.accountId,
        partition: args.partition,
        topicName: "iot-dr-operations",
        purpose: "operations alarms",
        email: args.email,
      },
      this,
    ).topic;
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
