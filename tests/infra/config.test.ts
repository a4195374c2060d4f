import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, foreignConfigKeys, parseStackConfig } from "../../infra/config";
import { configSchema } from "../../infra/config/schema";
import { validRawConfig, withValue } from "../support/config";

const SECRET = new Set(["accounts"]);
const DEFAULTS = { organization: "acme", project: "iot-dr" };

function problemsOf(raw: Record<string, unknown>, secretKeys: ReadonlySet<string> = SECRET) {
  try {
    parseStackConfig(raw, secretKeys, DEFAULTS);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the config to be refused");
}

async function reveal<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

describe("stack config", () => {
  it("accepts the valid config and derives this stack's and the peer region", () => {
    const config = parseStackConfig(validRawConfig("secondary"), SECRET, DEFAULTS);
    assert.equal(config.ownRegion, "eu-central-1");
    assert.equal(config.peerRegion, "eu-west-1");
    // Without peerStack, each stack's peer is the other role's stack of the same project.
    assert.equal(config.peerStack, "acme/iot-dr/primary");
    const primary = parseStackConfig(validRawConfig("primary"), SECRET, DEFAULTS);
    assert.equal(primary.ownRegion, "eu-west-1");
    assert.equal(primary.peerRegion, "eu-central-1");
    assert.equal(primary.peerStack, "acme/iot-dr/secondary");
  });

  it("refuses a target that one device path does not fit: both must fit it", () => {
    // Defaults: broker down 2 x 10 + 5 + 60 + 30 + 60 + 5 + 5 = 185 s; instructed 20 + 5 + 60 + 30
    // + 1 (poll) + 60 + 5 (spread) + 2 (drain) = 183 s.
    const problems = problemsOf({ ...validRawConfig(), rtoTargetSeconds: 184 });
    assert.equal(problems.length, 1);
    assert.equal(problems[0].key, "iot-dr:rtoTargetSeconds");
    assert.match(problems[0].message, /got 184 s for a budget of 185 s \(broker down: /);
    assert.doesNotThrow(() =>
      parseStackConfig({ ...validRawConfig(), rtoTargetSeconds: 185 }, SECRET, DEFAULTS),
    );
    // A 30 s spread: the instructed path (208 s) is the one over.
    const raw = validRawConfig();
    const health = { ...((raw.health as object) ?? {}), deviceReconnectSeconds: 30 };
    const [spread] = problemsOf({ ...raw, health, rtoTargetSeconds: 200 });
    assert.match(
      spread.message,
      /budget of 208 s \(broker up: metric alarm -> reconnect instruction\)/,
    );
  });

  it("refuses ARC routing controls by name: nothing would turn them On", () => {
    const raw = validRawConfig();
    const health = { ...((raw.health as object) ?? {}), arc: { enabled: true } };
    const [problem] = problemsOf({ ...raw, health });
    assert.equal(problem.key, "iot-dr:health.arc.enabled");
    assert.match(problem.message, /ARC routing controls are not supported/);
  });

  it("fills the health settings Route 53 and CloudWatch would otherwise default", () => {
    const config = parseStackConfig(validRawConfig(), SECRET, DEFAULTS);
    assert.deepEqual(config.health, {
      alarmPeriodSeconds: 60,
      alarmEvaluationPeriods: 1,
      probeTimeoutSeconds: 5,
      aggregatorIntervalSeconds: 10,
      deviceReconnectSeconds: 5,
      reconnect: { topic: "iot-dr/reconnect", displaceSessions: false },
      arc: { enabled: false },
    });
    assert.equal(config.health.notificationEmail, undefined);
    assert.deepEqual(config.tags, {});
  });

  it("fills the data plane settings with AWS's global endpoint template and an active primary", () => {
    const config = parseStackConfig(validRawConfig(), SECRET, DEFAULTS);
    assert.deepEqual(config.dataPlane, {
      telemetryLatencyThresholdMs: 30000,
      telemetryAlarmPeriodSeconds: 60,
      telemetryAlarmEvaluationPeriods: 5,
      s3ReplicationTimeControl: true,
      s3ActiveRegion: "primary",
      noncurrentVersionDays: 30,
      apiRateLimit: 50,
      apiBurstLimit: 100,
    });
  });

  it("defaults the telemetry topic filter, the sweep schedule and creates a trail of its own", () => {
    const config = parseStackConfig(validRawConfig(), SECRET, DEFAULTS);
    assert.deepEqual(config.telemetry, {
      topicFilter: "dt/+/telemetry",
      peakMessagesPerSecond: 1000,
    });
    assert.deepEqual(config.iotPlane, { sweepSchedule: "rate(6 hours)" });
  });

  it("keeps the external id as a secret output", async () => {
    const config = parseStackConfig(validRawConfig(), SECRET, DEFAULTS);
    const externalId = config.accounts.iotServices.externalId;
    assert.equal(await pulumi.isSecret(externalId), true);
    assert.equal(await reveal(externalId), "external-id-for-iot");
  });

  // Each row: the key to bend, the bad value, the key the message must name, and what it must say.
  const badInputs: [string, unknown, string, RegExp][] = [
    ["role", "tertiary", "iot-dr:role", /expected "primary" or "secondary", got "tertiary"/],
    ["role", undefined, "iot-dr:role", /is required: expected "primary" or "secondary"/],
    ["regions.primary", "eu-wst-1", "iot-dr:regions.primary", /AWS region name.*got "eu-wst-1"/],
    [
      "regions.secondary",
      "eu-west-1",
      "iot-dr:regions.secondary",
      /region other than the primary region/,
    ],
    [
      "regions.secondary",
      "cn-north-1",
      "iot-dr:regions.secondary",
      /partition \(aws\), got "cn-north-1"/,
    ],
    [
      "regions.tertiary",
      "us-east-1",
      "iot-dr:regions.tertiary",
      /not a known key: expected only primary, secondary/,
    ],
    [
      "accounts.iotServices.id",
      "12345",
      "iot-dr:accounts.iotServices.id",
      /12-digit AWS account id.*got "12345"/,
    ],
    [
      "accounts.iotServices.id",
      222222222222,
      "iot-dr:accounts.iotServices.id",
      /12-digit AWS account id in quotes.*got 222222222222/,
    ],
    ["accounts.dataAnalytics", undefined, "iot-dr:accounts.dataAnalytics", /is required/],
    [
      "accounts.commandControl.id",
      "111111111111",
      "iot-dr:accounts.commandControl.id",
      /distinct from accounts.sharedServices.id/,
    ],
    [
      "accounts.iotServices.deployRoleArn",
      "iot-dr-deploy",
      "iot-dr:accounts.iotServices.deployRoleArn",
      /IAM role ARN.*got "iot-dr-deploy"/,
    ],
    [
      "accounts.iotServices.deployRoleArn",
      "arn:aws:iam::999999999999:role/x",
      "iot-dr:accounts.iotServices.deployRoleArn",
      /role in account 222222222222/,
    ],
    [
      "accounts.iotServices.deployRoleArn",
      "arn:aws-cn:iam::222222222222:role/x",
      "iot-dr:accounts.iotServices.deployRoleArn",
      /partition aws/,
    ],
    [
      "accounts.iotServices.externalId",
      "x",
      "iot-dr:accounts.iotServices.externalId",
      /2-1224 characters/,
    ],
    [
      "accounts.iotServices.externalId",
      undefined,
      "iot-dr:accounts.iotServices.externalId",
      /is required/,
    ],
    [
      "dns.hostedZoneId",
      "example.com",
      "iot-dr:dns.hostedZoneId",
      /hosted zone id.*got "example.com"/,
    ],
    [
      "dns.iotDomain",
      "iot.example.org",
      "iot-dr:dns.iotDomain",
      /inside the hosted zone example.com/,
    ],
    ["dns.iotDomain", "not a domain", "iot-dr:dns.iotDomain", /DNS name.*got "not a domain"/],
    [
      "dns.commandControlDomain",
      "iot.example.com",
      "iot-dr:dns.commandControlDomain",
      /other than dns.iotDomain/,
    ],
    ["dns.ttlSeconds", 0, "iot-dr:dns.ttlSeconds", /whole number from 1 to 86400, got 0/],
    // A CLOUDWATCH_METRIC health check has no request interval and no failure threshold (Route 53
    // API reference, HealthCheckConfig): keys that nothing reads are refused, not ignored.
    [
      "health.requestIntervalSeconds",
      10,
      "iot-dr:health.requestIntervalSeconds",
      /not a known key: expected only alarmPeriodSeconds/,
    ],
    [
      "health.failureThreshold",
      3,
      "iot-dr:health.failureThreshold",
      /not a known key: expected only alarmPeriodSeconds/,
    ],
    [
      "health.alarmPeriodSeconds",
      30,
      "iot-dr:health.alarmPeriodSeconds",
      /from 60 to 86400, got 30/,
    ],
    ["health.alarmPeriodSeconds", 90, "iot-dr:health.alarmPeriodSeconds", /multiple of 60.*got 90/],
    [
      "dataPlane.telemetryAlarmPeriodSeconds",
      30,
      "iot-dr:dataPlane.telemetryAlarmPeriodSeconds",
      /from 60 to 3600, got 30/,
    ],
    [
      "dataPlane.telemetryAlarmPeriodSeconds",
      90,
      "iot-dr:dataPlane.telemetryAlarmPeriodSeconds",
      /multiple of 60.*got 90/,
    ],
    [
      "dataPlane.telemetryLatencyThresholdMs",
      10,
      "iot-dr:dataPlane.telemetryLatencyThresholdMs",
      /from 1000 to 600000, got 10/,
    ],
    [
      "dataPlane.telemetryAlarmEvaluationPeriods",
      0,
      "iot-dr:dataPlane.telemetryAlarmEvaluationPeriods",
      /from 1 to 60, got 0/,
    ],
    [
      "dataPlane.s3ReplicationTimeControl",
      "yes",
      "iot-dr:dataPlane.s3ReplicationTimeControl",
      /true or false, got "yes"/,
    ],
    [
      "dataPlane.s3ActiveRegion",
      "eu-west-1",
      "iot-dr:dataPlane.s3ActiveRegion",
      /"primary" or "secondary", got "eu-west-1"/,
    ],
    [
      "dataPlane.noncurrentVersionDays",
      0,
      "iot-dr:dataPlane.noncurrentVersionDays",
      /from 1 to 3650, got 0/,
    ],
    ["dataPlane.apiRateLimit", 0, "iot-dr:dataPlane.apiRateLimit", /from 1 to 10000, got 0/],
    ["dataPlane.apiBurstLimit", 6000, "iot-dr:dataPlane.apiBurstLimit", /from 1 to 5000, got 6000/],
    [
      "dataPlane.rtc",
      true,
      "iot-dr:dataPlane.rtc",
      /not a known key: expected only telemetryLatencyThresholdMs/,
    ],
    [
      "health.notificationEmail",
      "ops-at-example.com",
      "iot-dr:health.notificationEmail",
      /email address.*got "ops-at-example.com"/,
    ],
    [
      "health.reconnect.topic",
      "devices/+/reconnect",
      "iot-dr:health.reconnect.topic",
      /without wildcards.*got "devices\/\+\/reconnect"/,
    ],
    [
      "health.reconnect.displaceSessions",
      "yes",
      "iot-dr:health.reconnect.displaceSessions",
      /true or false, got "yes"/,
    ],
    ["health.arc.enabled", 1, "iot-dr:health.arc.enabled", /true or false, got 1/],
    ["rtoTargetSeconds", "fast", "iot-dr:rtoTargetSeconds", /whole number.*got "fast"/],
    ["rtoTargetSeconds", 2.5, "iot-dr:rtoTargetSeconds", /whole number.*got 2.5/],
    ["tags", { "aws:owner": "me" }, "iot-dr:tags.aws:owner", /not starting with aws:/],
    ["tags", { owner: 7 }, "iot-dr:tags.owner", /tag value string, got 7/],
    ["peerStack", "a/b/c/d", "iot-dr:peerStack", /stack name.*got "a\/b\/c\/d"/],
    ["telemetry.topicFilter", "dt/#/x", "iot-dr:telemetry.topicFilter", /MQTT topic filter/],
    ["telemetry.topicFilter", "$aws/things/+", "iot-dr:telemetry.topicFilter", /no \$/],
    ["telemetry.topicFilter", "dt/'x", "iot-dr:telemetry.topicFilter", /MQTT topic filter/],
    [
      "telemetry.topicFilters",
      "dt/+",
      "iot-dr:telemetry.topicFilters",
      /expected only topicFilter/,
    ],
    [
      "iotPlane.organizationTrailArn",
      "org-trail",
      "iot-dr:iotPlane.organizationTrailArn",
      /CloudTrail trail ARN.*got "org-trail"/,
    ],
    ["iotPlane.sweepSchedule", "every hour", "iot-dr:iotPlane.sweepSchedule", /rate\(6 hours\)/],
    [
      "dataPlane.apiCallerRoleArns",
      ["arn:aws:iam::222222222222:role/fleet-onboarding"],
      "iot-dr:dataPlane.apiCallerRoleArns.0",
      /role in account 333333333333 \(accounts.commandControl.id\)/,
    ],
    [
      "dataPlane.apiCallerRoleArns",
      [],
      "iot-dr:dataPlane.apiCallerRoleArns",
      /at least one role ARN, or no key at all/,
    ],
    [
      "regoins",
      { primary: "eu-west-1" },
      "iot-dr:regoins",
      /not a known key: expected only role, regions/,
    ],
  ];

  for (const [path, value, key, message] of badInputs) {
    it(`refuses ${path} = ${JSON.stringify(value)} naming ${key}`, () => {
      const problems = problemsOf(withValue(validRawConfig(), path, value));
      const problem = problems.find((p) => p.key === key);
      assert.ok(problem, `no problem names ${key}; got ${JSON.stringify(problems)}`);
      assert.match(problem.message, message);
    });
  }

  it("never echoes a bad external id back", () => {
    const problems = problemsOf(
      withValue(validRawConfig(), "accounts.iotServices.externalId", "bad id with spaces"),
    );
    assert.ok(problems.length > 0);
    for (const problem of problems) assert.doesNotMatch(problem.message, /bad id with spaces/);
  });

  it("refuses external ids that are not held as secrets, naming each account", () => {
    const problems = problemsOf(validRawConfig(), new Set());
    assert.deepEqual(
      problems.map((p) => p.key),
      ["sharedServices", "iotServices", "commandControl", "dataAnalytics"].map(
        (a) => `iot-dr:accounts.${a}.externalId`,
      ),
    );
    assert.match(
      problems[0].message,
      /pulumi config set --secret --path accounts.sharedServices.externalId/,
    );
  });

  it("reports every problem at once, one line per key", () => {
    let raw = withValue(validRawConfig(), "role", "x");
    raw = withValue(raw, "dns.ttlSeconds", -1);
    const error = (() => {
      try {
        parseStackConfig(raw, SECRET, DEFAULTS);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    assert.ok(error);
    assert.match(
      error.message,
      /invalid stack config \(2 problems\):\n {2}iot-dr:role: .*\n {2}iot-dr:dns.ttlSeconds: /,
    );
  });
});

describe("no config key is silently ignored", () => {
  /** Every object schema inside `schema`, with its dotted path, through defaults and pipes. */
  function objectsOf(schema: unknown, path = "iot-dr"): [string, Record<string, unknown>][] {
    const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
    const inner = (s: unknown, p = path) => objectsOf(s, p);
    switch (def.type) {
      case "object":
        return [
          [path, def],
          ...Object.entries(def.shape as Record<string, unknown>).flatMap(([key, value]) =>
            inner(value, `${path}.${key}`),
          ),
        ];
      case "default":
      case "prefault":
      case "optional":
      case "nullable":
      case "readonly":
        return inner(def.innerType);
      case "pipe":
        return [...inner(def.in), ...inner(def.out)];
      case "record":
        return inner(def.valueType, `${path}.*`);
      case "union":
        return (def.options as unknown[]).flatMap((option) => inner(option));
      default:
        return [];
    }
  }

  it("refuses unknown keys in every object of the schema (each is strict)", () => {
    const objects = objectsOf(configSchema);
    assert.ok(objects.length >= 8, `found only ${objects.length} objects`);
    for (const [path, def] of objects) {
      const catchall = (def.catchall as { _zod?: { def: { type: string } } } | undefined)?._zod;
      assert.equal(catchall?.def.type, "never", `${path} accepts unknown keys`);
    }
  });

  it("refuses an unknown key at every level, naming it and the keys it expects", () => {
    for (const [path, expected] of [
      ["retries", /expected only role, regions/],
      ["regions.tertiary", /expected only primary, secondary/],
      ["accounts.iotServices.region", /expected only id, deployRoleArn, externalId/],
      ["dns.ttl", /expected only hostedZoneId/],
      ["health.interval", /expected only alarmPeriodSeconds/],
      ["health.reconnect.qos", /expected only topic, displaceSessions/],
      ["health.arc.cluster", /expected only enabled/],
      ["iotPlane.trail", /expected only organizationTrailArn, sweepSchedule/],
    ] as const) {
      const problems = problemsOf(withValue(validRawConfig(), path, 1));
      const problem = problems.find((p) => p.key === `iot-dr:${path}`);
      assert.ok(problem, `${path}: no problem names it; got ${JSON.stringify(problems)}`);
      assert.match(problem.message, /is not a known key/);
      assert.match(problem.message, expected);
    }
  });

  it("refuses keys outside the iot-dr namespace, which this program never reads", () => {
    assert.deepEqual(
      foreignConfigKeys([
        "iot-dr:role",
        "iot-dr:health",
        "pulumi:tags",
        "aws:region",
        "iotdr:role",
      ]),
      [
        {
          key: "aws:region",
          message:
            "is not read: every AWS provider here is built from iot-dr:accounts and iot-dr:regions (the default aws provider is never used); remove the key",
        },
        {
          key: "iotdr:role",
          message: "is not read: this program reads only iot-dr: keys; did you mean iot-dr:role?",
        },
      ],
    );
  });
});
