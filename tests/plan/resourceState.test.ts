import { strict as assert } from "assert";
import { parseArn } from "../../core/arn";
import { placementOf } from "../../plan/mocks/placement";
import { mockResourceState } from "../../plan/mocks/resourceState";

const frankfurt = placementOf("222222222222", "eu-central-1");
const ningxia = placementOf("333333333333", "cn-northwest-1");

function stateOf(type: string, inputs: Record<string, unknown>, where = frankfurt, name = "res") {
  return mockResourceState({ type, name, inputs, where });
}

describe("mock resource state", () => {
  it("gives a global table's stream and each replica's stream in the replica's region", () => {
    const { id, state } = stateOf("aws:dynamodb/table:Table", {
      name: "registry",
      streamEnabled: true,
      replicas: [{ regionName: "eu-west-1" }],
    });
    assert.equal(id, "registry");
    assert.equal(state.arn, "arn:aws:dynamodb:eu-central-1:222222222222:table/registry");
    assert.match(
      String(state.streamArn),
      /^arn:aws:dynamodb:eu-central-1:222222222222:table\/registry\/stream\//,
    );
    const [replica] = state.replicas as Record<string, string>[];
    assert.match(
      replica.streamArn,
      /^arn:aws:dynamodb:eu-west-1:222222222222:table\/registry\/stream\//,
    );
  });

  it("leaves the stream ARN empty when streams are off", () => {
    assert.equal(stateOf("aws:dynamodb/table:Table", { name: "t" }).state.streamArn, "");
  });

  it("writes ARNs in the region's partition", () => {
    const { state } = stateOf("aws:lambda/function:Function", { name: "fn" }, ningxia);
    assert.equal(state.arn, "arn:aws-cn:lambda:cn-northwest-1:333333333333:function:fn");
    assert.equal(
      state.invokeArn,
      "arn:aws-cn:apigateway:cn-northwest-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-northwest-1:333333333333:function:fn/invocations",
    );
  });

  it("keeps IAM ARNs free of a region and S3 bucket ARNs free of region and account", () => {
    assert.equal(
      stateOf("aws:iam/role:Role", { name: "r" }).state.arn,
      "arn:aws:iam::222222222222:role/r",
    );
    const bucket = stateOf("aws:s3/bucket:Bucket", { bucket: "b" }).state;
    assert.equal(bucket.arn, "arn:aws:s3:::b");
    assert.equal(bucket.bucketRegionalDomainName, "b.s3.eu-central-1.amazonaws.com");
  });

  it("auto-names like a provider: the logical name plus a stable suffix", () => {
    const first = stateOf("aws:sqs/queue:Queue", {}, frankfurt, "dlq");
    const again = stateOf("aws:sqs/queue:Queue", {}, frankfurt, "dlq");
    assert.match(String(first.state.name), /^dlq-[0-9a-f]{7}$/);
    assert.deepEqual(first, again);
    assert.equal(
      first.id,
      `https://sqs.eu-central-1.amazonaws.com/222222222222/${String(first.state.name)}`,
    );
  });

  it("gives an unlisted type an ARN of its AWS service (EventBridge, not CloudWatch), region and account", () => {
    const parts = parseArn(
      String(stateOf("aws:cloudwatch/eventArchive:EventArchive", { name: "a" }).state.arn),
    );
    assert.deepEqual(
      {
        partition: parts.partition,
        service: parts.service,
        region: parts.region,
        account: parts.account,
      },
      { partition: "aws", service: "events", region: "eu-central-1", account: "222222222222" },
    );
  });

  it("gives private APIs an execution ARN that resource policies can name", () => {
    const { id, state } = stateOf("aws:apigateway/restApi:RestApi", { name: "health" });
    assert.equal(state.executionArn, `arn:aws:execute-api:eu-central-1:222222222222:${id}`);
  });

  it("gives a stage the invoke URL clients call", () => {
    const { state } = stateOf("aws:apigateway/stage:Stage", { restApi: "abc123", stageName: "v1" });
    assert.equal(state.invokeUrl, "https://abc123.execute-api.eu-central-1.amazonaws.com/v1");
    assert.equal(state.executionArn, "arn:aws:execute-api:eu-central-1:222222222222:abc123/v1");
  });

  it("gives a global endpoint a URL whose first labels are the EndpointId", () => {
    const { state } = stateOf("aws:cloudwatch/eventEndpoint:EventEndpoint", { name: "telemetry" });
    assert.match(
      String(state.endpointUrl),
      /^https:\/\/[0-9a-f]{5}\.[0-9a-f]{3}\.endpoint\.events\.amazonaws\.com$/,
    );
    assert.equal(state.arn, "arn:aws:events:eu-central-1:222222222222:endpoint/telemetry");
  });

  it("gives a Multi-Region Access Point an ARN without a region", () => {
    const { state } = stateOf("aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint", {
      details: { name: "app" },
    });
    assert.match(String(state.arn), /^arn:aws:s3::222222222222:accesspoint\/[0-9a-f]{13}\.mrap$/);
  });

  it("gives a certificate one DNS validation record per name", () => {
    const { state } = stateOf("aws:acm/certificate:Certificate", {
      domainName: "iot.example.com",
      subjectAlternativeNames: ["api.example.com"],
    });
    const options = state.domainValidationOptions as Record<string, string>[];
    assert.deepEqual(
      options.map((o) => [o.domainName, o.resourceRecordType]),
      [
        ["iot.example.com", "CNAME"],
        ["api.example.com", "CNAME"],
      ],
    );
    assert.match(options[0].resourceRecordName, /\.iot\.example\.com\.$/);
  });

  // ARN shapes from the Service Authorization Reference's resource types (CloudWatch Logs
  // `log-group`, CloudWatch `alarm`, EventBridge `rule-on-custom-event-bus`, IoT
  // `domainconfiguration`) and from SNS's Subscribe API (SubscriptionArn).
  it("gives a log group AWS's log-group:<name> ARN, without the :* that AWS's API adds", () => {
    const { state } = stateOf("aws:cloudwatch/logGroup:LogGroup", { name: "/iot-dr/capture" });
    assert.equal(state.arn, "arn:aws:logs:eu-central-1:222222222222:log-group:/iot-dr/capture");
  });

  it("gives an alarm an ARN that separates type and name with a colon", () => {
    const { state } = stateOf("aws:cloudwatch/metricAlarm:MetricAlarm", { name: "health" });
    assert.equal(state.arn, "arn:aws:cloudwatch:eu-central-1:222222222222:alarm:health");
  });

  it("puts the bus name in the ARN of a rule on a custom bus, not of one on the default bus", () => {
    const custom = stateOf("aws:cloudwatch/eventRule:EventRule", {
      name: "to-stream",
      eventBusName: "telemetry",
    });
    assert.equal(
      custom.state.arn,
      "arn:aws:events:eu-central-1:222222222222:rule/telemetry/to-stream",
    );
    const standard = stateOf("aws:cloudwatch/eventRule:EventRule", {
      name: "capture",
      eventBusName: "default",
    });
    assert.equal(standard.state.arn, "arn:aws:events:eu-central-1:222222222222:rule/capture");
  });

  it("gives a domain configuration an ARN with AWS's id after the name", () => {
    const { state } = stateOf("aws:iot/domainConfiguration:DomainConfiguration", {
      name: "devices",
    });
    assert.match(
      String(state.arn),
      /^arn:aws:iot:eu-central-1:222222222222:domainconfiguration\/devices\/[0-9a-z]+$/,
    );
  });

  it("gives a subscription its topic's ARN and a subscription id, in the topic's account", () => {
    const topic = "arn:aws:sns:us-east-1:111111111111:failover";
    const { id, state } = stateOf("aws:sns/topicSubscription:TopicSubscription", {
      topic,
      protocol: "lambda",
    });
    assert.match(String(state.arn), new RegExp(`^${topic}:[0-9a-f-]{36}$`));
    assert.equal(id, state.arn);
  });
});
