/**
 * What each key of the stack config means, for docs/configuration.md. Types, ranges, patterns,
 * defaults and which keys exist come from the schema itself (infra/config/reference.ts reads it);
 * tests/docs/configuration.test.ts fails when a key has no meaning here or a meaning names no key.
 * `<account>` stands for each of the four accounts.
 */
export const KEY_MEANINGS: Readonly<Record<string, string>> = {
  role: "which region this stack deploys: `primary` references the `secondary` stack's outputs",
  "regions.primary": "the region devices use while it is healthy",
  "regions.secondary": "the standby region; the two are distinct regions of one partition",
  "accounts.<account>.id": "the account's 12-digit id, quoted so YAML keeps it a string",
  "accounts.<account>.deployRoleArn":
    "the role the deployment assumes in that account (the bootstrap program creates it)",
  "accounts.<account>.externalId":
    "the external id that role's trust requires: a **secret** (`pulumi config set --secret`)",
  "dns.hostedZoneId": "the public hosted zone (in the shared-services account) for both domains",
  "dns.zoneName": "that zone's domain name",
  "dns.iotDomain": "the devices' MQTT endpoint name inside the zone (a failover record)",
  "dns.commandControlDomain":
    "the command & control API's name inside the zone (a failover record)",
  "dns.ttlSeconds": "TTL of the failover records; devices see a fail-over within it",
  "health.alarmPeriodSeconds":
    "period of the health alarm behind the Route 53 health checks (standard resolution)",
  "health.alarmEvaluationPeriods": "periods the health alarm must breach before it fails over",
  "health.probeTimeoutSeconds":
    "the health probe's timeout: a cold secret read plus an MQTT round trip must fit",
  "health.aggregatorIntervalSeconds": "seconds between the health aggregator's rounds",
  "health.deviceReconnectSeconds": "the spread over which the reconnect instruction moves devices",
  "health.notificationEmail":
    "email subscribed to fail-over and operations notifications (none: no email)",
  "health.reconnect.topic": "the MQTT topic devices subscribe to for the reconnect instruction",
  "health.reconnect.displaceSessions":
    "also disconnect devices still connected to the region being left",
  "health.arc.enabled":
    "kept so older stack files parse; `true` is refused (ARC routing controls are not built)",
  rtoTargetSeconds: "the recovery time objective the plan's RTO budget is judged against",
  "lambdaConcurrencyLimits.<account>":
    "the account's Lambda concurrent-executions quota; the plan refuses reservations it cannot take",
  "dataPlane.telemetryLatencyThresholdMs":
    "telemetry bus latency above which the EventBridge global endpoint fails over",
  "dataPlane.telemetryAlarmPeriodSeconds": "period of that latency alarm",
  "dataPlane.telemetryAlarmEvaluationPeriods": "periods that latency alarm must breach",
  "dataPlane.s3ReplicationTimeControl":
    "S3 Replication Time Control (99.99 % of objects within 15 minutes, at extra cost)",
  "dataPlane.s3ActiveRegion": "which region's bucket the Multi-Region Access Point routes to",
  "dataPlane.noncurrentVersionDays": "days an old object version is kept",
  "dataPlane.apiRateLimit": "the command & control API's steady requests per second",
  "dataPlane.apiBurstLimit": "the command & control API's burst of requests",
  "dataPlane.apiCallerRoleArns":
    "roles of the command-control account that may call the device API (default: any principal of that account, no other)",
  "telemetry.topicFilter": "the MQTT topic filter devices publish telemetry on",
  "telemetry.peakMessagesPerSecond":
    "the fleet's peak telemetry rate; at most what the Express workflow sustains",
  "iotPlane.organizationTrailArn":
    "an organization trail already logging this account's management events (then no trail of our own)",
  "iotPlane.sweepSchedule": "how often the anti-entropy sweep runs (EventBridge Scheduler)",
  "operations.replicationLagTargetSeconds":
    "the registry's replication lag target: its alarm's threshold",
  "operations.readinessSchedule": "how often the standby readiness check runs",
  "operations.readinessSampleSize": "objects the readiness check compares in depth per run",
  "operations.fleetDevices": "fleet size the plan's monthly cost estimate is computed for",
  peerStack:
    "the other region's stack (`org/project/stack`): `primary` references it and each stack's pack config carries its resources",
  tags: "extra tags on every resource (the providers add `iot-dr:stack`, `iot-dr:role`, `iot-dr:component`)",
};
