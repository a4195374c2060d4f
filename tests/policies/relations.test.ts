import { strict as assert } from "assert";
import { lambdaFunctionSymmetric } from "../../policies/rules/lambda";
import { route53RecordFailover, route53RecordFailoverPair } from "../../policies/rules/route53";
import { s3BucketReplicated } from "../../policies/rules/s3";
import { Declared, awsProvider, ref, rejectedAtBoth } from "../support/policyViews";

const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };
const providers = [
  awsProvider("west", "eu-west-1"),
  awsProvider("central", "eu-central-1"),
  awsProvider("virginia", "us-east-1"),
];

describe("relations judged on regions and coverage", () => {
  it("lambda-function-symmetric: copies must be in the other DR region; Lambda@Edge passes", async () => {
    const fn = (name: string, provider: string): Declared => ({
      type: "aws:lambda/function:Function",
      name,
      provider,
      props: { runtime: "nodejs22.x", publish: true },
      outputs: { arn: `arn:aws:lambda:x:1:function:${name}`, qualifiedArn: `arn:q:${name}:1` },
    });
    const program: Declared[] = [
      ...providers,
      fn("ok-eu-west-1", "west"),
      fn("ok-eu-central-1", "central"),
      fn("twin-primary", "west"),
      fn("twin-secondary", "west"),
      fn("third-region", "virginia"),
      fn("edge", "virginia"),
      {
        type: "aws:cloudfront/distribution:Distribution",
        name: "cdn",
        props: {
          defaultCacheBehavior: {
            lambdaFunctionAssociations: [
              { eventType: "viewer-request", lambdaArn: ref("edge", "qualifiedArn") },
            ],
          },
        },
      },
    ];
    const { up, preview } = await rejectedAtBoth(lambdaFunctionSymmetric.policy, program, PAIR);
    assert.deepEqual(up, ["third-region", "twin-primary", "twin-secondary"]);
    assert.deepEqual(preview, up);
  });

  it("s3-bucket-replicated: a rule filtered to a prefix or tags does not replicate the bucket", async () => {
    const bucket = (name: string, provider: string): Declared => ({
      type: "aws:s3/bucket:Bucket",
      name,
      provider,
      props: { bucket: name },
      outputs: { arn: `arn:aws:s3:::${name}`, id: name },
    });
    const replication = (name: string, from: string, to: string, filter: unknown): Declared => ({
      type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
      name,
      provider: "west",
      props: {
        bucket: ref(from),
        rules: [{ id: name, status: "Enabled", filter, destination: { bucket: ref(to, "arn") } }],
      },
    });
    const program: Declared[] = [
      ...providers,
      ...["all", "prefixed", "tagged"].flatMap((n) => [
        bucket(n, "west"),
        bucket(`${n}-copy`, "central"),
      ]),
      replication("r-all", "all", "all-copy", {}),
      replication("r-prefixed", "prefixed", "prefixed-copy", { prefix: "logs/" }),
      replication("r-tagged", "tagged", "tagged-copy", { tag: { key: "dr", value: "yes" } }),
    ];
    const { up, preview } = await rejectedAtBoth(s3BucketReplicated.policy, program, PAIR);
    assert.deepEqual(up, ["prefixed", "prefixed-copy", "tagged", "tagged-copy"]);
    assert.deepEqual(preview, up);
  });

  const record = (name: string, props: Record<string, unknown>): Declared => ({
    type: "aws:route53/record:Record",
    name,
    props: { zoneId: "Z1", name: "api.example.com", type: "CNAME", ttl: 5, ...props },
  });
  const check = (name: string, props: Record<string, unknown>): Declared => ({
    type: "aws:route53/healthCheck:HealthCheck",
    name,
    props: { type: "HTTPS", fqdn: "x", requestInterval: 10, failureThreshold: 3, ...props },
    outputs: { id: `${name}-id` },
  });
  const failover = (name: string, type: string, target: string, healthCheck?: string) =>
    record(name, {
      failoverRoutingPolicies: [{ type }],
      setIdentifier: name,
      records: [target],
      ...(healthCheck ? { healthCheckId: ref(healthCheck) } : {}),
    });
  const DOMAINS = { drDomains: ["api.example.com"] };

  it("route53-record-failover-pair: the PRIMARY and SECONDARY must answer from different regions", async () => {
    const same = [
      failover("p", "PRIMARY", "a.execute-api.eu-west-1.amazonaws.com"),
      failover("s", "SECONDARY", "b.execute-api.eu-west-1.amazonaws.com"),
    ];
    const { up, preview } = await rejectedAtBoth(route53RecordFailoverPair.policy, same, PAIR);
    assert.deepEqual(up, ["p", "s"]);
    assert.deepEqual(preview, up);
    same[1] = failover("s", "SECONDARY", "b.execute-api.eu-central-1.amazonaws.com");
    assert.deepEqual((await rejectedAtBoth(route53RecordFailoverPair.policy, same, PAIR)).up, []);
  });

  it("route53-record-failover: health checks must be able to fail; health-checked active-active records pass", async () => {
    const program: Declared[] = [
      check("disabled", { disabled: true }),
      check("inverted", { invertHealthcheck: true }),
      check("live-west", {}),
      check("live-central", {}),
      failover("p1", "PRIMARY", "a.eu-west-1.example", "disabled"),
      record("p2", {
        failoverRoutingPolicies: [{ type: "PRIMARY" }],
        setIdentifier: "p2",
        name: "iot.api.example.com",
        records: ["b.eu-west-1.example"],
        healthCheckId: ref("inverted"),
      }),
      ...(["eu-west-1", "eu-central-1"] as const).map((region, i) =>
        record(`latency-${region}`, {
          name: "fleet.api.example.com",
          latencyRoutingPolicies: [{ region }],
          setIdentifier: region,
          records: [`c.${region}.example`],
          healthCheckId: ref(i === 0 ? "live-west" : "live-central"),
        }),
      ),
      record("weighted-unchecked", {
        name: "w.api.example.com",
        weightedRoutingPolicies: [{ weight: 1 }],
        setIdentifier: "w",
        records: ["d.eu-west-1.example"],
      }),
    ];
    const { up, preview } = await rejectedAtBoth(route53RecordFailover, program, DOMAINS);
    assert.deepEqual(up, ["disabled", "inverted", "weighted-unchecked"]);
    assert.deepEqual(preview, up);
  });
});
