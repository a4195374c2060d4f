import { strict as assert } from "assert";
import { PlannedResource } from "../../../plan/engine";
import { StackReport } from "../../../plan/run";
import { ownStack } from "../../support/ownStacks";

const ACCOUNTS = {
  sharedServices: "111111111111",
  iotServices: "222222222222",
  commandControl: "333333333333",
  dataAnalytics: "444444444444",
};

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string[];
  Condition?: Record<string, Record<string, string>>;
}

const resourcesOf = (statement: PolicyStatement): string[] => {
  const resource = (statement as unknown as { Resource?: string | string[] }).Resource;
  return resource === undefined ? [] : ([] as string[]).concat(resource);
};

const statementsOf = (policy: unknown): PolicyStatement[] =>
  (JSON.parse(String(policy)) as { Statement: PolicyStatement[] }).Statement;

/** The physical id of a planned resource: the last part of its ARN (ids are not in the report). */
const idOf = (resource: PlannedResource): string =>
  String(resource.revealedState.arn).split("/").pop() ?? "";

/** Resources of a type inside the health and DNS components, not the other areas'. */
const ofType = (report: StackReport, type: string): PlannedResource[] => {
  const found = report.resources.filter(
    (r) => r.type === type && /iot-?dr:(health|dns):/.test(r.urn),
  );
  if (found.length === 0) throw new Error(`stack ${report.stack} has no ${type} in health or DNS`);
  return found;
};

const named = (report: StackReport, type: string, suffix: string): PlannedResource => {
  const found = ofType(report, type).find((r) => r.name.endsWith(suffix));
  assert.ok(found, `no ${type} named *${suffix} in ${report.stack}`);
  return found;
};

/** The one execute-api interface endpoint (the first health API's consumer side makes it). */
const executeApiEndpoint = (report: StackReport): PlannedResource => {
  const found = ofType(report, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((r) =>
    String(r.inputs.serviceName).endsWith(".execute-api"),
  );
  assert.equal(found.length, 1, `one execute-api endpoint in ${report.stack}`);
  return found[0];
};

for (const [stack, region] of [
  ["secondary", "eu-central-1"],
  ["primary", "eu-west-1"],
] as const) {
  describe(`health plane in the ${stack} stack`, () => {
    it(`puts the execute-api endpoint in shared-services ${region} with private DNS behind HTTPS from the VPC only`, async () => {
      const report = await ownStack(stack);
      const endpoint = executeApiEndpoint(report);
      assert.equal(endpoint.account, ACCOUNTS.sharedServices);
      assert.equal(endpoint.region, region);
      assert.equal(endpoint.inputs.serviceName, `com.amazonaws.${region}.execute-api`);
      assert.equal(endpoint.inputs.privateDnsEnabled, true);
      assert.match(idOf(endpoint), /^vpce-[0-9a-f]{17}$/);
      const vpc = ofType(report, "aws:ec2/vpc:Vpc")[0];
      const [group] = ofType(report, "aws:ec2/securityGroup:SecurityGroup").filter((g) =>
        (endpoint.revealedInputs.securityGroupIds as string[]).includes(idOf(g)),
      );
      assert.ok(group, "the endpoint's security group is planned");
      assert.deepEqual(
        (group.revealedInputs.ingress as Record<string, unknown>[]).map((rule) => [
          rule.fromPort,
          rule.toPort,
          rule.cidrBlocks,
        ]),
        [[443, 443, [vpc.revealedInputs.cidrBlock]]],
      );
    });

    it("makes every health API PRIVATE in its own account and region, with no association to another account's endpoint", async () => {
      const report = await ownStack(stack);
      const endpoint = executeApiEndpoint(report);
      assert.match(idOf(endpoint), /^vpce-[0-9a-f]{17}$/);
      const apis = ofType(report, "aws:apigateway/restApi:RestApi");
      assert.deepEqual(
        apis.map((api) => api.account).sort(),
        [ACCOUNTS.iotServices, ACCOUNTS.commandControl, ACCOUNTS.dataAnalytics].sort(),
      );
      for (const api of apis) {
        assert.equal(api.region, region);
        assert.notEqual(api.account, endpoint.account);
        // vpcEndpointIds only makes API Gateway create `{api}-{vpce}` alias names for endpoints
        // with private DNS off; access comes from the resource policy's aws:SourceVpce (next
        // test), and the aggregator calls the default host name through private DNS.
        assert.deepEqual(api.revealedInputs.endpointConfiguration, { types: "PRIVATE" });
      }
      assert.equal(endpoint.revealedInputs.privateDnsEnabled, true);
    });

    it("lets the execute-api endpoint carry only GET /health of the region's three health APIs", async () => {
      const report = await ownStack(stack);
      const endpoint = executeApiEndpoint(report);
      const policies = ofType(report, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy").filter(
        (p) => p.revealedInputs.vpcEndpointId === idOf(endpoint),
      );
      assert.equal(policies.length, 1, "one endpoint policy on the execute-api endpoint");
      assert.equal(policies[0].account, ACCOUNTS.sharedServices);
      const healthArns = ofType(report, "aws:apigateway/restApi:RestApi")
        .map((api) => `arn:aws:execute-api:${region}:${api.account}:${idOf(api)}/v1/GET/health`)
        .sort();
      assert.equal(healthArns.length, 3);
      const statements = statementsOf(policies[0].revealedInputs.policy);
      assert.ok(statements.length > 0);
      for (const statement of statements) {
        assert.equal(statement.Effect, "Allow");
        assert.deepEqual(statement.Action, ["execute-api:Invoke"]);
      }
      assert.deepEqual(statements.flatMap((s) => resourcesOf(s)).sort(), healthArns);
    });

    it("lets the monitoring endpoint carry only the aggregator's PutMetricData in the health namespace", async () => {
      const report = await ownStack(stack);
      const endpoint = named(report, "aws:ec2/vpcEndpoint:VpcEndpoint", "-monitoring");
      const policies = ofType(report, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy").filter(
        (p) => p.revealedInputs.vpcEndpointId === idOf(endpoint),
      );
      assert.equal(policies.length, 1, "one endpoint policy on the monitoring endpoint");
      const role = named(report, "aws:iam/role:Role", "health-aggregator-fn-role");
      const statements = statementsOf(policies[0].revealedInputs.policy);
      assert.equal(statements.length, 1);
      const [statement] = statements;
      assert.equal(statement.Effect, "Allow");
      assert.deepEqual(statement.Action, ["cloudwatch:PutMetricData"]);
      assert.deepEqual(statement.Principal, { AWS: [role.revealedState.arn] });
      assert.deepEqual(resourcesOf(statement), ["*"]);
      assert.deepEqual(statement.Condition, {
        StringEquals: { "cloudwatch:namespace": "IoTDR/Health" },
      });
    });

    it("allows execute-api:Invoke only from that endpoint and denies every other source", async () => {
      const report = await ownStack(stack);
      const endpointId = idOf(executeApiEndpoint(report));
      for (const api of ofType(report, "aws:apigateway/restApi:RestApi")) {
        const statements = statementsOf(api.revealedInputs.policy);
        const allows = statements.filter((s) => s.Effect === "Allow");
        const denies = statements.filter((s) => s.Effect === "Deny");
        assert.equal(allows.length, 1, `${api.name}: one Allow`);
        assert.deepEqual(allows[0].Action, ["execute-api:Invoke"]);
        assert.deepEqual(allows[0].Condition, {
          StringEquals: { "aws:SourceVpce": endpointId },
        });
        assert.equal(denies.length, 1, `${api.name}: one explicit Deny`);
        assert.deepEqual(denies[0].Action, ["execute-api:Invoke"]);
        assert.deepEqual(denies[0].Condition, {
          StringNotEquals: { "aws:SourceVpce": endpointId },
        });
      }
    });

    it("logs every stage's access in JSON and only after the account's logging role is set", async () => {
      const report = await ownStack(stack);
      for (const stage of ofType(report, "aws:apigateway/stage:Stage")) {
        const settings = stage.revealedInputs.accessLogSettings as Record<string, string>;
        assert.match(settings.destinationArn, /^arn:aws:logs:/);
        assert.equal(
          (JSON.parse(settings.format) as Record<string, string>).sourceVpce,
          "$context.identity.vpceId",
        );
      }
      const accounts = ofType(report, "aws:apigateway/account:Account").map((a) => a.account);
      assert.equal(new Set(accounts).size, 3, "one API Gateway account setting per account");
    });

    it("gives the aggregator the three health URLs, the VPC, and PutMetricData in one namespace only", async () => {
      const report = await ownStack(stack);
      const fn = named(report, "aws:lambda/function:Function", "health-aggregator-fn-fn");
      assert.equal(fn.account, ACCOUNTS.sharedServices);
      const vpcConfig = fn.revealedInputs.vpcConfig as Record<string, string[]>;
      assert.equal(vpcConfig.subnetIds.length, 2);
      const env = (fn.revealedInputs.environment as { variables: Record<string, string> })
        .variables;
      const apis = JSON.parse(env.HEALTH_APIS) as { name: string; url: string }[];
      assert.deepEqual(
        apis.map((a) => a.name),
        ["iot-services", "command-control", "data-analytics"],
      );
      for (const api of apis) {
        assert.match(
          api.url,
          new RegExp(
            `^https://[0-9a-f]{10}\\.execute-api\\.${region}\\.amazonaws\\.com/v1/health$`,
          ),
        );
      }
      const policy = named(report, "aws:iam/rolePolicy:RolePolicy", `health-aggregator-fn-policy`);
      const metric = statementsOf(policy.revealedInputs.policy).find((s) =>
        s.Action.includes("cloudwatch:PutMetricData"),
      );
      assert.deepEqual(metric?.Condition, {
        StringEquals: { "cloudwatch:namespace": "IoTDR/Health" },
      });
    });

    it("feeds a CLOUDWATCH_METRIC check from a Minimum alarm that treats missing data as breaching", async () => {
      const report = await ownStack(stack);
      const alarm = named(
        report,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        `health-aggregator-alarm`,
      );
      assert.equal(alarm.region, region);
      assert.equal(alarm.revealedInputs.statistic, "Minimum");
      assert.equal(alarm.revealedInputs.period, 60);
      assert.equal(alarm.revealedInputs.evaluationPeriods, 1);
      assert.equal(alarm.revealedInputs.treatMissingData, "breaching");
      assert.equal(alarm.revealedInputs.threshold, 1);
      assert.equal(alarm.revealedInputs.comparisonOperator, "LessThanThreshold");
      assert.deepEqual(alarm.revealedInputs.dimensions, { Region: region });
      const check = named(report, "aws:route53/healthCheck:HealthCheck", `health-aggregator-check`);
      assert.equal(check.revealedInputs.type, "CLOUDWATCH_METRIC");
      assert.equal(check.revealedInputs.cloudwatchAlarmName, alarm.revealedInputs.name);
      assert.equal(check.revealedInputs.cloudwatchAlarmRegion, region);
      assert.equal(check.revealedInputs.insufficientDataHealthStatus, "Unhealthy");
    });
  });
}

describe("failover records across the two stacks", () => {
  const records = async (stack: "primary" | "secondary") => {
    const report = await ownStack(stack);
    return { report, records: ofType(report, "aws:route53/record:Record") };
  };

  it("pairs the IoT domain: PRIMARY in primary, SECONDARY in secondary, same name and TTL, each with its region's check", async () => {
    const primary = await records("primary");
    const secondary = await records("secondary");
    const iotOf = (r: PlannedResource[]) =>
      r.find((x) => x.revealedInputs.name === "iot.example.com");
    const p = iotOf(primary.records);
    const s = iotOf(secondary.records);
    assert.ok(p && s);
    for (const [record, type, region, report] of [
      [p, "PRIMARY", "eu-west-1", primary.report],
      [s, "SECONDARY", "eu-central-1", secondary.report],
    ] as const) {
      assert.equal(record.account, ACCOUNTS.sharedServices);
      assert.equal(record.revealedInputs.zoneId, "Z0PLACEHOLDER00000000");
      assert.equal(record.revealedInputs.type, "CNAME");
      assert.equal(record.revealedInputs.ttl, 5); // dns.ttlSeconds of the example config
      assert.deepEqual(record.revealedInputs.failoverRoutingPolicies, [{ type }]);
      // The record follows the calculated check: the metric check and the TCP check of the very
      // endpoint it answers, both required.
      const check = named(report, "aws:route53/healthCheck:HealthCheck", `health-aggregator-check`);
      const endpoint = named(
        report,
        "aws:route53/healthCheck:HealthCheck",
        "health-record-check-endpoint",
      );
      const calculated = named(
        report,
        "aws:route53/healthCheck:HealthCheck",
        "health-record-check-calculated",
      );
      assert.equal(calculated.revealedInputs.type, "CALCULATED");
      assert.deepEqual(calculated.revealedInputs.childHealthchecks, [idOf(check), idOf(endpoint)]);
      assert.equal(calculated.revealedInputs.childHealthThreshold, 2);
      if (type === "SECONDARY") {
        assert.equal(record.revealedInputs.healthCheckId, idOf(calculated));
      } else {
        // The PRIMARY's gate requires the same two checks and the Region switch plan's verdict, a
        // calculated check of the program (tests/contracts/regionSwitchGate.test.ts runs it).
        const gate = report.resources.find(
          (c) =>
            c.type === "aws:route53/healthCheck:HealthCheck" &&
            idOf(c) === record.revealedInputs.healthCheckId,
        );
        assert.equal(gate?.revealedInputs.type, "CALCULATED");
        const children = gate.revealedInputs.childHealthchecks as string[];
        assert.equal(children.length, 3);
        assert.equal(gate.revealedInputs.childHealthThreshold, children.length);
        assert.deepEqual(children.slice(0, 2), [idOf(check), idOf(endpoint)]);
        const verdict = report.resources.find(
          (c) => c.type === "aws:route53/healthCheck:HealthCheck" && idOf(c) === children[2],
        );
        assert.equal(verdict?.revealedInputs.type, "CALCULATED");
      }
      assert.deepEqual(record.revealedInputs.records, [
        `a2222offline-ats.iot.${region}.amazonaws.com`,
      ]);
      assert.equal(endpoint.revealedInputs.type, "TCP");
      assert.equal(endpoint.revealedInputs.fqdn, `a2222offline-ats.iot.${region}.amazonaws.com`);
      assert.equal(endpoint.revealedInputs.port, 8883);
      assert.equal(endpoint.revealedInputs.requestInterval, 10);
      assert.equal(endpoint.revealedInputs.failureThreshold, 3);
      // All health-checker regions: none listed.
      assert.equal(endpoint.revealedInputs.regions, undefined);
    }
    assert.notEqual(p.revealedInputs.setIdentifier, s.revealedInputs.setIdentifier);
  });

  it("points the command & control pair at each region's API domain, PRIMARY with the check", async () => {
    const halves = [];
    for (const stack of ["primary", "secondary"] as const) {
      const { report, records: all } = await records(stack);
      const [record] = all.filter((r) => r.revealedInputs.name === "api.iot.example.com");
      const target = report.outputs.commandControlDomainTarget as { name: string; zoneId: string };
      assert.deepEqual(record.revealedInputs.aliases, [
        { name: target.name, zoneId: target.zoneId, evaluateTargetHealth: false },
      ]);
      halves.push(record);
    }
    const [p, s] = halves;
    assert.deepEqual(p.revealedInputs.failoverRoutingPolicies, [{ type: "PRIMARY" }]);
    assert.ok(p.revealedInputs.healthCheckId);
    assert.deepEqual(s.revealedInputs.failoverRoutingPolicies, [{ type: "SECONDARY" }]);
  });
});

describe("fail-over notifications (primary stack)", () => {
  it("alarms in us-east-1 on the PRIMARY record's HealthCheckStatus, to a KMS-encrypted topic", async () => {
    const report = await ownStack("primary");
    const alarm = named(
      report,
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "failover-notifications-status",
    );
    assert.equal(alarm.region, "us-east-1");
    assert.equal(alarm.account, ACCOUNTS.sharedServices);
    assert.equal(alarm.revealedInputs.namespace, "AWS/Route53");
    assert.equal(alarm.revealedInputs.metricName, "HealthCheckStatus");
    const primaryRecord = ofType(report, "aws:route53/record:Record").find(
      (r) => r.revealedInputs.name === "iot.example.com",
    );
    assert.deepEqual(alarm.revealedInputs.dimensions, {
      HealthCheckId: primaryRecord?.revealedInputs.healthCheckId,
    });
    const topic = ofType(report, "aws:sns/topic:Topic")[0];
    assert.equal(topic.region, "us-east-1");
    assert.deepEqual(alarm.revealedInputs.alarmActions, [topic.revealedState.arn]);
    assert.deepEqual(alarm.revealedInputs.okActions, [topic.revealedState.arn]);
    const key = ofType(report, "aws:kms/key:Key").find((k) => k.region === "us-east-1");
    assert.equal(topic.revealedInputs.kmsMasterKeyId, key?.revealedState.arn);
  });

  it("lets only this account's CloudWatch publish to the topic", async () => {
    const report = await ownStack("primary");
    const policy = ofType(report, "aws:sns/topicPolicy:TopicPolicy")[0];
    const publish = statementsOf(policy.revealedInputs.policy).find((s) =>
      s.Action.includes("sns:Publish"),
    );
    assert.deepEqual(publish?.Principal, { Service: ["cloudwatch.amazonaws.com"] });
    assert.deepEqual(publish?.Condition, {
      StringEquals: { "aws:SourceAccount": ACCOUNTS.sharedServices },
    });
  });

  it("subscribes the reconnect function only once the topic policy lets iot-services subscribe", async () => {
    const report = await ownStack("primary");
    const policy = ofType(report, "aws:sns/topicPolicy:TopicPolicy")[0];
    const subscribe = statementsOf(policy.revealedInputs.policy).find((s) =>
      s.Action.includes("sns:Subscribe"),
    );
    assert.deepEqual(subscribe?.Principal, { AWS: [`arn:aws:iam::${ACCOUNTS.iotServices}:root`] });
    const subscription = ofType(report, "aws:sns/topicSubscription:TopicSubscription").find(
      (s) => s.revealedInputs.protocol === "lambda",
    );
    assert.ok(subscription);
    // Subscribe from iot-services to a shared-services topic is a cross-account call: SNS
    // refuses it (AuthorizationError) until the topic policy grants sns:Subscribe, so the
    // engine must not create the subscription before the policy.
    assert.notEqual(subscription.account, policy.account);
    assert.ok(
      subscription.dependencies?.includes(policy.urn),
      `the subscription waits for ${policy.urn}; it depends on ${JSON.stringify(subscription.dependencies)}`,
    );
  });

  it("runs the reconnect function in iot-services us-east-1, invoked by the topic only, publishing to both regions' reconnect topic", async () => {
    const report = await ownStack("primary");
    const fn = named(report, "aws:lambda/function:Function", "device-reconnect-fn-fn");
    assert.equal(fn.account, ACCOUNTS.iotServices);
    assert.equal(fn.region, "us-east-1");
    const env = (fn.revealedInputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(env.PRIMARY_REGION, "eu-west-1");
    assert.equal(env.SECONDARY_REGION, "eu-central-1");
    assert.equal(env.DISPLACE_SESSIONS, "false");
    const topic = ofType(report, "aws:sns/topic:Topic")[0];
    const subscription = ofType(report, "aws:sns/topicSubscription:TopicSubscription").find(
      (s) => s.revealedInputs.protocol === "lambda",
    );
    assert.equal(subscription?.revealedInputs.topic, topic.revealedState.arn);
    assert.equal(subscription?.account, ACCOUNTS.iotServices);
    const permission = named(
      report,
      "aws:lambda/permission:Permission",
      "device-reconnect-from-topic",
    );
    assert.equal(permission?.revealedInputs.principal, "sns.amazonaws.com");
    assert.equal(permission?.revealedInputs.sourceArn, topic.revealedState.arn);
    const policy = named(report, "aws:iam/rolePolicy:RolePolicy", "device-reconnect-fn-policy");
    const publish = statementsOf(policy.revealedInputs.policy).find((s) =>
      s.Action.includes("iot:Publish"),
    );
    assert.deepEqual((publish as unknown as { Resource: string[] }).Resource, [
      "arn:aws:iot:eu-west-1:222222222222:topic/iot-dr/reconnect",
      "arn:aws:iot:eu-central-1:222222222222:topic/iot-dr/reconnect",
    ]);
    assert.equal(
      statementsOf(policy.revealedInputs.policy).some((s) =>
        s.Action.includes("iot:DeleteConnection"),
      ),
      false,
      "no displacement rights while displaceSessions is off",
    );
  });

  it("lets the alarm the PRIMARY record follows invoke a reconnect function in its own region, on ALARM and on OK", async () => {
    const report = await ownStack("primary");
    const fn = named(report, "aws:lambda/function:Function", "device-reconnect-fast-fn-fn");
    assert.deepEqual([fn.account, fn.region], [ACCOUNTS.iotServices, "eu-west-1"]);
    const alarm = named(
      report,
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "health-aggregator-alarm",
    );
    assert.equal(alarm.region, "eu-west-1");
    assert.deepEqual(alarm.revealedInputs.alarmActions, [fn.revealedState.arn]);
    assert.deepEqual(alarm.revealedInputs.okActions, [fn.revealedState.arn]);
    // The health check on the PRIMARY record follows exactly this alarm.
    const check = named(report, "aws:route53/healthCheck:HealthCheck", "health-aggregator-check");
    assert.equal(check.revealedInputs.cloudwatchAlarmName, alarm.revealedInputs.name);
    // Only that alarm of shared-services may invoke it, through CloudWatch's alarm-action principal.
    const permission = named(
      report,
      "aws:lambda/permission:Permission",
      "device-reconnect-fast-from-alarm",
    );
    assert.equal(permission.revealedInputs.principal, "lambda.alarms.cloudwatch.amazonaws.com");
    assert.equal(permission.revealedInputs.sourceAccount, ACCOUNTS.sharedServices);
    assert.equal(
      permission.revealedInputs.sourceArn,
      `arn:aws:cloudwatch:eu-west-1:${ACCOUNTS.sharedServices}:alarm:${String(alarm.revealedInputs.name)}`,
    );
    // It waits for the zone to answer other than the PRIMARY record's value.
    const env = (fn.revealedInputs.environment as { variables: Record<string, string> }).variables;
    const primaryRecord = ofType(report, "aws:route53/record:Record").find(
      (r) => r.revealedInputs.name === "iot.example.com",
    );
    assert.deepEqual(primaryRecord?.revealedInputs.records, [env.PRIMARY_TARGET]);
    assert.equal(env.ZONE_NAME, "example.com");
    assert.equal(env.IOT_DOMAIN, "iot.example.com");
  });

  it("gives the secondary region's health alarm no action: it moves no device", async () => {
    const report = await ownStack("secondary");
    const alarm = named(
      report,
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "health-aggregator-alarm",
    );
    assert.equal(alarm.revealedInputs.alarmActions, undefined);
    assert.equal(alarm.revealedInputs.okActions, undefined);
  });

  it("keeps notifications, ARC and the reconnect function out of the secondary stack", async () => {
    const report = await ownStack("secondary");
    // Each region's operations alarms notify a topic of their own region (infra/operations), by
    // design; every other topic, the fail-over one first, is the primary stack's.
    const notOperations = (r: { urn: string }) => !r.urn.includes("iotdr:operations:");
    for (const type of ["aws:sns/topic:Topic", "aws:route53recoverycontrol/cluster:Cluster"]) {
      assert.equal(
        report.resources.filter((r) => r.type === type && notOperations(r)).length,
        0,
        type,
      );
    }
    assert.ok(
      report.resources.every(
        (r) => r.region === null || r.region === "global" || r.region === "eu-central-1",
      ),
    );
  });
});

describe("health handlers' permissions", () => {
  const resourcesOf = (report: StackReport, name: string) => {
    const policy = named(report, "aws:iam/rolePolicy:RolePolicy", `${name}-handler-policy`);
    return Object.fromEntries(
      (
        JSON.parse(String(policy.revealedInputs.policy)) as {
          Statement: { Action: string[]; Resource: string[] }[];
        }
      ).Statement.map((s) => [s.Action.join(","), s.Resource]),
    );
  };

  it("lets each handler read only what it checks, in its own account and region", async () => {
    const report = await ownStack("secondary");
    const r = "eu-central-1";
    assert.deepEqual(resourcesOf(report, "health-command-control")["sts:AssumeRole"], [
      "arn:aws:iam::222222222222:role/iot-dr-command-control-access",
    ]);
    // Named, so the access role's trust can name it before it exists.
    assert.equal(
      named(report, "aws:iam/role:Role", "health-command-control-handler-role").revealedInputs.name,
      `iot-dr-cc-health-${r}`,
    );
    assert.deepEqual(
      resourcesOf(report, "health-command-control")["secretsmanager:GetSecretValue"],
      [
        `arn:aws:secretsmanager:${r}:333333333333:secret:iot-dr/command-control/access-role-externalid-??????`,
      ],
    );
    const iot = resourcesOf(report, "health-iot-services");
    assert.deepEqual(iot["secretsmanager:GetSecretValue"], [
      `arn:aws:secretsmanager:${r}:222222222222:secret:iot-dr/health/probe-??????`,
    ]);
    assert.deepEqual(iot["dynamodb:DescribeTable"], [
      `arn:aws:dynamodb:${r}:222222222222:table/iot-dr-application`,
    ]);
    assert.deepEqual(iot["lambda:InvokeFunction"], [
      `arn:aws:lambda:${r}:222222222222:function:${String(report.outputs.applicationFunctionName)}`,
    ]);
    const analytics = resourcesOf(report, "health-data-analytics");
    assert.deepEqual(analytics["events:DescribeEventBus"], [
      `arn:aws:events:${r}:444444444444:event-bus/iot-dr-telemetry`,
    ]);
    assert.deepEqual(analytics["kinesis:DescribeStreamSummary"], [
      `arn:aws:kinesis:${r}:444444444444:stream/${String(report.outputs.telemetryStreamName)}`,
    ]);
  });
});
