import * as aws from "@pulumi/aws";
import { z } from "zod";
import { partitionOf } from "../../core/arn";
import { MIN_PROBE_TIMEOUT_SECONDS } from "../../core/healthTiming";
import { DEFAULT_ACCOUNT_CONCURRENCY } from "../../core/lambdaConcurrency";

/** The four accounts of the design, in the order the plan prints them. */
export const ACCOUNT_KEYS = [
  "sharedServices",
  "iotServices",
  "commandControl",
  "dataAnalytics",
] as const;
export type AccountKey = (typeof ACCOUNT_KEYS)[number];

const KNOWN_REGIONS: ReadonlySet<string> = new Set(Object.values(aws.Region));

/** Builds a zod error callback that names what was expected and, unless secret, what was given. */
function expected(description: string, opts: { secret?: boolean } = {}) {
  return (issue: { input?: unknown }): string => {
    if (issue.input === undefined) {
      return `is required: expected ${description}`;
    }
    const given = opts.secret
      ? "a value that does not match (not shown: secret)"
      : JSON.stringify(issue.input);
    return `expected ${description}, got ${given}`;
  };
}

const regionName = z
  .string({ error: expected("an AWS region name such as eu-west-1") })
  .refine((value) => KNOWN_REGIONS.has(value), {
    error: expected("an AWS region name such as eu-west-1"),
  });

const accountId = z
  .string({ error: expected('a 12-digit AWS account id in quotes, such as "111111111111"') })
  .regex(/^\d{12}$/, {
    error: expected('a 12-digit AWS account id in quotes, such as "111111111111"'),
  });

const roleArnPattern =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

const account = z.strictObject(
  {
    id: accountId,
    deployRoleArn: z
      .string({
        error: expected("an IAM role ARN such as arn:aws:iam::111111111111:role/iot-dr-deploy"),
      })
      .regex(roleArnPattern, {
        error: expected("an IAM role ARN such as arn:aws:iam::111111111111:role/iot-dr-deploy"),
      }),
    // STS limits: 2-1224 characters of [\w+=,.@:/-]; never echoed back because it is a secret.
    externalId: z
      .string({ error: expected("an external id string (2-1224 characters)", { secret: true }) })
      .regex(/^[\w+=,.@:/-]{2,1224}$/, {
        error: expected("2-1224 characters of letters, digits and +=,.@:/-_", { secret: true }),
      }),
  },
  { error: (issue) => unknownKeys(issue, "id, deployRoleArn, externalId") },
);

const dnsName = (what: string) =>
  z
    .string({ error: expected(`${what}, a DNS name such as iot.example.com`) })
    .transform((value) => value.replace(/\.$/, "").toLowerCase())
    .refine(
      (value) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(value),
      {
        error: expected(`${what}, a DNS name such as iot.example.com`),
      },
    );

const integer = (description: string, min: number, max: number) =>
  z
    .number({ error: expected(`${description}: a whole number from ${min} to ${max}`) })
    .int({ error: expected(`${description}: a whole number from ${min} to ${max}`) })
    .min(min, { error: expected(`${description}: a whole number from ${min} to ${max}`) })
    .max(max, { error: expected(`${description}: a whole number from ${min} to ${max}`) });

const concurrencyLimit = (account: AccountKey) =>
  integer(`the ${account} account's Lambda concurrency quota`, 1, 1_000_000).default(
    DEFAULT_ACCOUNT_CONCURRENCY,
  );

const tagKey = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const tagValue = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

function unknownKeys(
  issue: { code?: string; keys?: string[]; input?: unknown },
  allowed: string,
): string {
  if (issue.code === "unrecognized_keys") {
    return `is not a known key: expected only ${allowed}`;
  }
  return expected(`an object with ${allowed}`)(issue);
}

/** The MQTT topic filter devices publish telemetry on, when the config does not say. */
export const DEFAULT_TELEMETRY_TOPIC_FILTER = "dt/+/telemetry";
/** How often the anti-entropy sweep runs, when the config does not say. */
export const DEFAULT_SWEEP_SCHEDULE = "rate(6 hours)";
const SCHEDULE_DESCRIPTION =
  "an EventBridge Scheduler expression such as rate(6 hours) or cron(0 3 * * ? *)";
const TRAIL_ARN_EXAMPLE = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org-trail";
const trailArnPattern =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):cloudtrail:[a-z0-9-]+:\d{12}:trail\/[\w.-]{3,128}$/;

/**
 * An MQTT topic filter an IoT rule can select from: levels of printable characters, `+` as a whole
 * level, `#` only as the last level, no reserved `$` topics, no quote (it goes into the rule's SQL).
 */
const topicFilter = z
  .string({ error: expected("an MQTT topic filter such as dt/+/telemetry") })
  .refine(
    (value) =>
      value.length > 0 &&
      Buffer.byteLength(value) <= 256 &&
      !value.startsWith("$") &&
      !/['"\\\s]/.test(value) &&
      value
        .split("/")
        .every(
          (level, i, all) =>
            level.length > 0 &&
            (level === "+" || (level === "#" && i === all.length - 1) || !/[+#]/.test(level)),
        ),
    { error: expected("an MQTT topic filter such as dt/+/telemetry (no $, quotes or spaces)") },
  );

/** The stack config as written in Pulumi.<stack>.yaml, keys without the `iot-dr:` namespace. */
export const rawConfigSchema = z.strictObject(
  {
    role: z.enum(["primary", "secondary"], { error: expected('"primary" or "secondary"') }),
    regions: z.strictObject(
      { primary: regionName, secondary: regionName },
      { error: (issue) => unknownKeys(issue, "primary, secondary") },
    ),
    accounts: z.strictObject(
      Object.fromEntries(ACCOUNT_KEYS.map((key) => [key, account])) as Record<
        AccountKey,
        typeof account
      >,
      { error: (issue) => unknownKeys(issue, ACCOUNT_KEYS.join(", ")) },
    ),
    dns: z.strictObject(
      {
        hostedZoneId: z
          .string({ error: expected("a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ") })
          .regex(/^Z[A-Z0-9]{1,32}$/, {
            error: expected("a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
          }),
        zoneName: dnsName("the hosted zone's domain"),
        iotDomain: dnsName("the devices' IoT domain"),
        commandControlDomain: dnsName("the command & control API domain"),
        ttlSeconds: integer("the failover records' TTL in seconds", 1, 86400).default(60),
      },
      {
        error: (issue) =>
          unknownKeys(issue, "hostedZoneId, zoneName, iotDomain, commandControlDomain, ttlSeconds"),
      },
    ),
    health: z
      .strictObject(
        {
          // No request interval or failure threshold: the health checks are CLOUDWATCH_METRIC checks,
          // which have neither (Route 53 API reference, HealthCheckConfig: RequestInterval and
          // FailureThreshold apply to endpoint checks). Detection is the alarm's period x periods.
          // CLOUDWATCH_METRIC health checks accept standard-resolution alarms only.
          alarmPeriodSeconds: integer("the alarm period in seconds", 60, 86400)
            .refine((value) => value % 60 === 0, {
              error: expected("a multiple of 60 (standard-resolution alarm)"),
            })
            .default(60),
          alarmEvaluationPeriods: integer("alarm evaluation periods", 1, 10).default(1),
          // At least a cold probe-secret read plus an MQTT round trip, with API Gateway's margin
          // (core/healthTiming.ts): a shorter one fails healthy rounds after every cold start.
          probeTimeoutSeconds: integer(
            "the health probe timeout in seconds",
            MIN_PROBE_TIMEOUT_SECONDS,
            29,
          ).default(5),
          // Several rounds a minute, so a standard-resolution period always holds a fresh sample.
          aggregatorIntervalSeconds: integer("seconds between aggregator rounds", 5, 30).default(
            10,
          ),
          // The spread the reconnect instruction asks devices to move over: a device waits a random
          // part of it (at most its own 30 s ceiling), so the new region is not stormed.
          deviceReconnectSeconds: integer(
            "the reconnect instruction's spread in seconds",
            0,
            30,
          ).default(5),
          // Email that hears about fail-over and fail-back; none means no email subscription.
          notificationEmail: z
            .string({ error: expected("an email address such as ops@example.com") })
            .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, {
              error: expected("an email address such as ops@example.com"),
            })
            .optional(),
          reconnect: z
            .strictObject(
              {
                // MQTT topic the devices subscribe to for the reconnect instruction (option 1).
                topic: z
                  .string({ error: expected("an MQTT topic such as iot-dr/reconnect") })
                  .regex(/^(?!\$)[^#+\s]{1,256}$/, {
                    error: expected(
                      "an MQTT topic of 1-256 characters without wildcards, not starting with $",
                    ),
                  })
                  .default("iot-dr/reconnect"),
                // Also disconnect the clients still connected to the region being left (option 2).
                displaceSessions: z.boolean({ error: expected("true or false") }).default(false),
              },
              { error: (issue) => unknownKeys(issue, "topic, displaceSessions") },
            )
            .default({ topic: "iot-dr/reconnect", displaceSessions: false }),
          // ARC routing controls are not built: nothing would set them On after creation (they
          // start Off, which fails the region over) nor flip them within their safety rules. The
          // key stays so existing stack files keep parsing; `true` is refused by name.
          arc: z
            .strictObject(
              {
                enabled: z
                  .boolean({ error: expected("true or false") })
                  .refine((enabled) => !enabled, {
                    error: expected(
                      "false: ARC routing controls are not supported (they start Off and nothing here turns them On, so enabling them would fail the region over on deploy)",
                    ),
                  })
                  .default(false),
              },
              { error: (issue) => unknownKeys(issue, "enabled") },
            )
            .default({ enabled: false }),
        },
        {
          error: (issue) =>
            unknownKeys(
              issue,
              "alarmPeriodSeconds, alarmEvaluationPeriods, probeTimeoutSeconds, aggregatorIntervalSeconds, deviceReconnectSeconds, notificationEmail, reconnect, arc",
            ),
        },
      )
      // An absent `health` key gets every field's own default.
      .prefault({}),
    rtoTargetSeconds: integer("the recovery time objective in seconds", 60, 86400),
    // Each account's Lambda concurrency quota (Service Quotas, "Concurrent executions"), the same in
    // both regions: the plan refuses reservations the account cannot take (core/lambdaConcurrency.ts).
    lambdaConcurrencyLimits: z
      .strictObject(
        {
          sharedServices: concurrencyLimit("sharedServices"),
          iotServices: concurrencyLimit("iotServices"),
          commandControl: concurrencyLimit("commandControl"),
          dataAnalytics: concurrencyLimit("dataAnalytics"),
        } satisfies Record<AccountKey, unknown>,
        { error: (issue) => unknownKeys(issue, ACCOUNT_KEYS.join(", ")) },
      )
      .prefault({}),
    dataPlane: z
      .strictObject(
        {
          // AWS's global endpoint template: unhealthy when the average latency exceeds 30 s...
          telemetryLatencyThresholdMs: integer(
            "the telemetry bus latency (ms) above which the global endpoint fails over",
            1000,
            600000,
          ).default(30000),
          // ...for 5 periods of 60 s. Route 53 takes standard-resolution alarms only.
          telemetryAlarmPeriodSeconds: integer("the telemetry alarm period in seconds", 60, 3600)
            .refine((value) => value % 60 === 0, {
              error: expected("a multiple of 60 (standard-resolution alarm)"),
            })
            .default(60),
          telemetryAlarmEvaluationPeriods: integer(
            "telemetry alarm evaluation periods",
            1,
            60,
          ).default(5),
          // S3 Replication Time Control: 99.99% of objects within 15 minutes, at extra cost.
          s3ReplicationTimeControl: z.boolean({ error: expected("true or false") }).default(true),
          // Which region's bucket the Multi-Region Access Point routes to (the other is passive).
          s3ActiveRegion: z
            .enum(["primary", "secondary"], { error: expected('"primary" or "secondary"') })
            .default("primary"),
          noncurrentVersionDays: integer("days an old object version is kept", 1, 3650).default(30),
          apiRateLimit: integer(
            "the command & control API's steady requests per second",
            1,
            10000,
          ).default(50),
          apiBurstLimit: integer("the command & control API's burst of requests", 1, 5000).default(
            100,
          ),
          // The roles of the command-control account that may call the device API; none: any
          // principal of that account its own IAM allows. Nobody outside the account, either way.
          apiCallerRoleArns: z
            .array(
              z
                .string({ error: expected("an IAM role ARN of the command-control account") })
                .regex(roleArnPattern, {
                  error: expected("an IAM role ARN of the command-control account"),
                }),
              { error: expected("a list of IAM role ARNs") },
            )
            .min(1, { error: expected("at least one role ARN, or no key at all") })
            .optional(),
        },
        {
          error: (issue) =>
            unknownKeys(
              issue,
              "telemetryLatencyThresholdMs, telemetryAlarmPeriodSeconds, telemetryAlarmEvaluationPeriods, s3ReplicationTimeControl, s3ActiveRegion, noncurrentVersionDays, apiRateLimit, apiBurstLimit, apiCallerRoleArns",
            ),
        },
      )
      .prefault({}),
    telemetry: z
      .strictObject(
        {
          topicFilter: topicFilter.default(DEFAULT_TELEMETRY_TOPIC_FILTER),
          // The fleet's peak telemetry rate, in messages a second: one workflow execution each.
          peakMessagesPerSecond: integer(
            "the fleet's peak telemetry messages a second",
            1,
            1_000_000,
          ).default(1000),
        },
        { error: (issue) => unknownKeys(issue, "topicFilter, peakMessagesPerSecond") },
      )
      .prefault({}),
    iotPlane: z
      .strictObject(
        {
          // An organization trail already logging this account's management events: EventBridge
          // then sees the IoT policy and certificate calls without a trail of our own.
          organizationTrailArn: z
            .string({ error: expected("a CloudTrail trail ARN such as " + TRAIL_ARN_EXAMPLE) })
            .regex(trailArnPattern, {
              error: expected("a CloudTrail trail ARN such as " + TRAIL_ARN_EXAMPLE),
            })
            .optional(),
          sweepSchedule: z
            .string({ error: expected(SCHEDULE_DESCRIPTION) })
            .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/, {
              error: expected(SCHEDULE_DESCRIPTION),
            })
            .default(DEFAULT_SWEEP_SCHEDULE),
        },
        { error: (issue) => unknownKeys(issue, "organizationTrailArn, sweepSchedule") },
      )
      .prefault({}),
    // Operating it (docs/operations.md): the lag alarm's target, the readiness check, the cost's fleet.
    operations: z
      .strictObject(
        {
          replicationLagTargetSeconds: integer(
            "the registry's replication lag target in seconds (its alarm's threshold)",
            1,
            86400,
          ).default(60),
          readinessSchedule: z
            .string({ error: expected(SCHEDULE_DESCRIPTION) })
            .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/, {
              error: expected(SCHEDULE_DESCRIPTION),
            })
            .default("rate(15 minutes)"),
          readinessSampleSize: integer(
            "objects per kind the readiness check compares deeply",
            1,
            500,
          ).default(20),
          fleetDevices: integer("the fleet size the cost estimate assumes", 1, 100_000_000).default(
            1_000_000,
          ),
        },
        {
          error: (issue) =>
            unknownKeys(
              issue,
              "replicationLagTargetSeconds, readinessSchedule, readinessSampleSize, fleetDevices",
            ),
        },
      )
      .prefault({}),

    // The other region's stack: primary references it, and the pack config of each stack carries
    // the peer's resources so the CLI judges the relations across regions (docs/policies.md).
    peerStack: z
      .string({ error: expected('a stack name such as "acme/iot-dr/secondary"') })
      .regex(/^([\w.-]+\/){0,2}[\w.-]+$/, {
        error: expected('a stack name such as "acme/iot-dr/secondary"'),
      })
      .optional(),
    tags: z
      .record(
        z.string().regex(tagKey, {
          error: expected("a tag key of 1-128 characters not starting with aws:"),
        }),
        z.string({ error: expected("a tag value string") }).regex(tagValue, {
          error: expected("a tag value of at most 256 characters"),
        }),
        {
          error: (issue) =>
            issue.code === "invalid_key"
              ? expected("a tag key of 1-128 characters not starting with aws:")(issue)
              : expected("a map of tag keys to string values")(issue),
        },
      )
      .refine((tags) => Object.keys(tags).length <= 40, {
        error: expected("at most 40 extra tags (AWS allows 50; iot-dr adds its own)"),
      })
      .default({}),
  },
  {
    error: (issue) =>
      unknownKeys(
        issue,
        "role, regions, accounts, dns, health, rtoTargetSeconds, lambdaConcurrencyLimits, telemetry, iotPlane, operations, peerStack, tags, dataPlane",
      ),
  },
);

/** Cross-field rules that one field alone cannot express. */
export const configSchema = rawConfigSchema.superRefine((config, ctx) => {
  const { primary, secondary } = config.regions;
  if (primary === secondary) {
    ctx.addIssue({
      code: "custom",
      path: ["regions", "secondary"],
      message: `expected a region other than the primary region, got ${JSON.stringify(secondary)}`,
    });
  } else if (partitionOf(primary) !== partitionOf(secondary)) {
    ctx.addIssue({
      code: "custom",
      path: ["regions", "secondary"],
      message: `expected a region in the primary region's partition (${partitionOf(primary)}), got ${JSON.stringify(secondary)}`,
    });
  }
  const seen = new Map<string, AccountKey>();
  for (const key of ACCOUNT_KEYS) {
    const { id, deployRoleArn } = config.accounts[key];
    const match = roleArnPattern.exec(deployRoleArn);
    if (match && match[2] !== id) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", key, "deployRoleArn"],
        message: `expected a role in account ${id} (accounts.${key}.id), got ${JSON.stringify(deployRoleArn)}`,
      });
    } else if (match && match[1] !== partitionOf(primary)) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", key, "deployRoleArn"],
        message: `expected an ARN in partition ${partitionOf(primary)} of the configured regions, got ${JSON.stringify(deployRoleArn)}`,
      });
    }
    const other = seen.get(id);
    if (other) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts", key, "id"],
        message: `expected an account distinct from accounts.${other}.id, got ${JSON.stringify(id)} twice`,
      });
    }
    seen.set(id, key);
  }
  for (const [index, callerArn] of (config.dataPlane.apiCallerRoleArns ?? []).entries()) {
    const callerAccount = roleArnPattern.exec(callerArn)?.[2];
    if (callerAccount !== config.accounts.commandControl.id) {
      ctx.addIssue({
        code: "custom",
        path: ["dataPlane", "apiCallerRoleArns", index],
        message: `expected a role in account ${config.accounts.commandControl.id} (accounts.commandControl.id), got ${JSON.stringify(callerArn)}`,
      });
    }
  }
  const { zoneName, iotDomain, commandControlDomain } = config.dns;
  for (const [key, domain] of [
    ["iotDomain", iotDomain],
    ["commandControlDomain", commandControlDomain],
  ] as const) {
    if (!domain.endsWith(`.${zoneName}`)) {
      ctx.addIssue({
        code: "custom",
        path: ["dns", key],
        message: `expected a name inside the hosted zone ${zoneName}, got ${JSON.stringify(domain)}`,
      });
    }
  }
  if (iotDomain === commandControlDomain) {
    ctx.addIssue({
      code: "custom",
      path: ["dns", "commandControlDomain"],
      message: `expected a name other than dns.iotDomain, got ${JSON.stringify(commandControlDomain)}`,
    });
  }
});

export type ParsedConfig = z.infer<typeof configSchema>;
