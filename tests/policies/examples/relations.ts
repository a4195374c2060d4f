import { ref } from "../../support/policyViews";
import { CENTRAL, PAIR, RuleExample, WEST, resource } from "./kit";

const both = [WEST, CENTRAL];
const table = (props: Record<string, unknown>) =>
  resource("aws:dynamodb/table:Table", "devices", {
    streamEnabled: true,
    streamViewType: "NEW_AND_OLD_IMAGES",
    ...props,
  });
const bucket = (name: string, provider = "west") =>
  resource("aws:s3/bucket:Bucket", name, {}, provider);
const replication = resource(
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  "archive-replication",
  {
    bucket: ref("archive"),
    role: "arn:aws:iam::111111111111:role/replication",
    rules: [
      { id: "all", status: "Enabled", destination: { bucket: ref("archive-standby", "arn") } },
    ],
  },
);
const accessPoint = (buckets: string[]) =>
  resource("aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint", "archive-access", {
    details: { name: "archive", regions: buckets.map((b) => ({ bucket: ref(b) })) },
  });
const bus = (name: string, provider: string) =>
  resource("aws:cloudwatch/eventBus:EventBus", name, { name: "telemetry" }, provider);
const record = (type: string, provider: string) =>
  resource(
    "aws:route53/record:Record",
    `api-${type.toLowerCase()}`,
    {
      zoneId: "Z1",
      name: "api.example.com",
      type: "CNAME",
      ttl: 60,
      failoverRoutingPolicies: [{ type }],
      setIdentifier: type,
      records: [`api.${provider === "west" ? "eu-west-1" : "eu-central-1"}.example.com`],
    },
    provider,
  );
const fn = (name: string, provider: string) =>
  resource("aws:lambda/function:Function", name, { runtime: "nodejs22.x" }, provider);
const key = resource("aws:kms/key:Key", "data-key", { multiRegion: true, enableKeyRotation: true });
const cluster = (name: string, provider: string, props: Record<string, unknown> = {}) =>
  resource("aws:rds/cluster:Cluster", name, { engine: "aurora-postgresql", ...props }, provider);
const secret = (props: Record<string, unknown>) =>
  resource("aws:secretsmanager/secret:Secret", "db-credentials", { name: "app/db", ...props });
const cert = (name: string, provider: string) =>
  resource(
    "aws:acm/certificate:Certificate",
    name,
    { domainName: "api.example.com", validationMethod: "DNS" },
    provider,
  );
const queue = (name: string, provider: string) =>
  resource("aws:sqs/queue:Queue", name, {}, provider);

/** Relations between a resource and its counterpart in the other DR region. */
export const relationExamples: RuleExample[] = [
  {
    rule: "dynamodb-table-global",
    config: PAIR,
    failing: [...both, table({})],
    rejects: "devices",
    passing: [...both, table({ replicas: [{ regionName: "eu-central-1" }] })],
  },
  {
    rule: "s3-bucket-replicated",
    config: PAIR,
    failing: [...both, bucket("archive")],
    rejects: "archive",
    passing: [...both, bucket("archive"), bucket("archive-standby", "central"), replication],
  },
  {
    rule: "s3-bucket-multi-region-access-point",
    config: PAIR,
    failing: [...both, bucket("archive"), accessPoint(["archive"])],
    rejects: "archive-access",
    passing: [
      ...both,
      bucket("archive"),
      bucket("archive-standby", "central"),
      accessPoint(["archive", "archive-standby"]),
    ],
  },
  {
    rule: "eventbridge-bus-global-endpoint",
    config: PAIR,
    failing: [...both, bus("telemetry-west", "west")],
    rejects: "telemetry-west",
    passing: [
      ...both,
      bus("telemetry-west", "west"),
      bus("telemetry-central", "central"),
      resource("aws:cloudwatch/eventEndpoint:EventEndpoint", "telemetry", {
        eventBuses: [
          { eventBusArn: ref("telemetry-west", "arn") },
          { eventBusArn: ref("telemetry-central", "arn") },
        ],
        roleArn: "arn:aws:iam::111111111111:role/replication",
      }),
    ],
  },
  {
    rule: "route53-record-failover-pair",
    config: PAIR,
    failing: [...both, record("PRIMARY", "west")],
    rejects: "api-primary",
    passing: [...both, record("PRIMARY", "west"), record("SECONDARY", "central")],
  },
  {
    rule: "lambda-function-symmetric",
    config: PAIR,
    failing: [...both, fn("capture-eu-west-1", "west")],
    rejects: "capture-eu-west-1",
    passing: [...both, fn("capture-eu-west-1", "west"), fn("capture-eu-central-1", "central")],
  },
  {
    rule: "kms-replicated-data-key",
    config: PAIR,
    failing: [...both, key],
    rejects: "data-key",
    passing: [
      ...both,
      key,
      resource(
        "aws:kms/replicaKey:ReplicaKey",
        "data-key-replica",
        { primaryKeyArn: ref("data-key", "arn") },
        "central",
      ),
    ],
  },
  {
    rule: "rds-cross-region",
    config: PAIR,
    failing: [...both, cluster("app-db", "west")],
    rejects: "app-db",
    passing: [
      ...both,
      resource("aws:rds/globalCluster:GlobalCluster", "app-global", {
        globalClusterIdentifier: "app",
      }),
      cluster("app-db", "west", { globalClusterIdentifier: ref("app-global") }),
      cluster("app-db-standby", "central", { globalClusterIdentifier: ref("app-global") }),
    ],
  },
  {
    rule: "secretsmanager-secret-replicated",
    config: PAIR,
    failing: [...both, secret({})],
    rejects: "db-credentials",
    passing: [...both, secret({ replicas: [{ region: "eu-central-1" }] })],
  },
  {
    rule: "acm-certificate-both-regions",
    config: PAIR,
    failing: [...both, cert("api-cert-west", "west")],
    rejects: "api-cert-west",
    passing: [...both, cert("api-cert-west", "west"), cert("api-cert-central", "central")],
  },
  {
    rule: "stateful-peer-in-dr-region",
    config: PAIR,
    failing: [...both, queue("jobs-eu-west-1", "west")],
    rejects: "jobs-eu-west-1",
    passing: [...both, queue("jobs-eu-west-1", "west"), queue("jobs-eu-central-1", "central")],
  },
];
