import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const providers = {
  tokyo: new aws.Provider("tokyo", {
    region: "ap-northeast-1",
    allowedAccountIds: ["555555555555"],
  }),
  beijing: new aws.Provider("beijing", {
    region: "cn-north-1",
    assumeRoles: [{ roleArn: "arn:aws-cn:iam::666666666666:role/deploy", externalId: "x1" }],
  }),
};

class Outer extends pulumi.ComponentResource {
  public readonly queueArn: pulumi.Output<string>;
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super("test:probe:Outer", name, {}, opts);
    const inner = new Inner(`${name}-inner`, { parent: this });
    this.queueArn = inner.queue.arn;
    this.registerOutputs({});
  }
}

class Inner extends pulumi.ComponentResource {
  public readonly queue: aws.sqs.Queue;
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super("test:probe:Inner", name, {}, opts);
    this.queue = new aws.sqs.Queue(`${name}-queue`, {}, { parent: this });
    this.registerOutputs({});
  }
}

const outer = new Outer("outer", { providers: { aws: providers.beijing } });

// Dependencies the engine must record: one from an input, one from dependsOn.
const topic = new aws.sns.Topic("dep-topic", {}, { provider: providers.tokyo });
new aws.sqs.Queue(
  "dep-queue",
  { name: topic.name },
  { provider: providers.tokyo, dependsOn: [outer] },
);

export const perProvider = Object.fromEntries(
  Object.entries(providers).map(([key, provider]) => [
    key,
    {
      account: aws.getCallerIdentityOutput({}, { provider }).accountId,
      region: aws.getRegionOutput({}, { provider }).region,
      zones: aws.getAvailabilityZonesOutput({}, { provider }).names,
      iot: aws.iot.getEndpointOutput({ endpointType: "iot:Data-ATS" }, { provider })
        .endpointAddress,
      partition: aws.getPartitionOutput({}, { provider }).partition,
    },
  ]),
);
export const defaultAccount = aws.getCallerIdentityOutput().accountId;
export const queueArn = outer.queueArn;
