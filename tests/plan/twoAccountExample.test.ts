import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { sharedPlanInProcess } from "../support/planCli";

const DIR = path.join("examples", "two-account");
const ACCOUNTS = { platform: "111111111111", consumer: "222222222222" };
const REGIONS = ["us-east-2", "us-west-2"];
const COMPONENTS = [
  "iot-dr:components:ReplicatedIotPlane",
  "iot-dr:components:GlobalEventBus",
  "iot-dr:components:MultiRegionBucket",
  "iot-dr:components:CrossAccountPrivateApi",
  "iot-dr:components:RegionFailover",
];
/** Where Route 53 publishes HealthCheckStatus: the fail-over's alarm on it and what it starts. */
const STATUS_REGION = "us-east-1";
/**
 * The violations the example exempts, each by design of the fail-over (the reasons are in its
 * pack-config.json): the aggregator keeps no failed rounds, the reconnect path runs once.
 */
const EXEMPTED = [
  "lambda-function-failure-destination on fleet-failover-primary-aggregator-fn-fn",
  "lambda-function-failure-destination on fleet-failover-secondary-aggregator-fn-fn",
  "lambda-function-symmetric on fleet-failover-primary-reconnect-fast-fn-fn",
  "lambda-function-symmetric on fleet-failover-reconnect-fn-fn",
  "stateful-peer-in-dr-region on fleet-failover-notifications-key",
  "stateful-peer-in-dr-region on fleet-failover-notifications-topic",
  "stateful-peer-in-dr-region on fleet-failover-primary-reconnect-fast-failed",
  "stateful-peer-in-dr-region on fleet-failover-primary-reconnect-fast-fn-logs",
  "stateful-peer-in-dr-region on fleet-failover-reconnect-failed",
  "stateful-peer-in-dr-region on fleet-failover-reconnect-fn-logs",
];

interface Resource {
  urn: string;
  type: string;
  name: string;
  account?: string;
  region?: string;
  parent?: string;
  inputs: Record<string, unknown>;
}
interface Plan {
  stacks: {
    resources: Resource[];
    violations: { enforcementLevel: string; policy: string; urn: string }[];
  }[];
}

describe("examples/two-account: DR for an existing platform in two accounts", () => {
  let status: number;
  let stderr: string;
  let resources: Resource[];
  let violations: Plan["stacks"][0]["violations"];
  // As README.md and docs/components.md tell a reader to run it, with the example's pack config.
  const ARGS = [
    ...["--program", DIR, "--config", path.join(DIR, "Pulumi.dev.yaml")],
    ...["--policy-config", path.join(DIR, "pack-config.json")],
  ];
  before(async () => {
    // Kept across processes and runs while no file changes (the example is the repository's).
    const run = await sharedPlanInProcess(["--json", ...ARGS], {
      AWS_REGION: "",
      AWS_DEFAULT_REGION: "",
    });
    ({ status, stderr } = run);
    const [stack] = (JSON.parse(run.stdout || '{"stacks":[{}]}') as Plan).stacks;
    ({ resources = [], violations = [] } = stack);
  });

  it("is planned and passed by the pack, exempting only the fail-over's parts that are single by design", () => {
    assert.equal(status, 0, stderr);
    const found = violations.map((v) => `${v.policy} on ${v.urn.split("::").pop()}`).sort();
    assert.deepEqual(found, EXEMPTED);
    assert.ok(resources.length > 200, `only ${resources.length} resources`);
  });

  it("is the command README.md and docs/components.md show", () => {
    const command = `npm run plan -- ${ARGS.join(" ")}`;
    for (const doc of ["README.md", path.join("docs", "components.md")]) {
      assert.ok(readFileSync(doc, "utf8").includes(`\n${command}\n`), `${doc}: ${command}`);
    }
  });

  it("uses each of the five components, imported from the package entry", () => {
    const source = readFileSync(path.join(DIR, "index.ts"), "utf8");
    assert.match(source, /^} from "iot-dr";$/m);
    assert.doesNotMatch(source, /from "\.\.?\//, "a relative import bypasses the entry");
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // Made by the program itself, not inside another component (the fail-over's health APIs are
    // private APIs too).
    const byProgram = (r: Resource) => {
      for (let p = byUrn.get(r.parent ?? ""); p; p = byUrn.get(p.parent ?? "")) {
        if (COMPONENTS.includes(p.type)) return false;
      }
      return true;
    };
    for (const type of COMPONENTS) {
      const found = resources.filter((r) => r.type === type && byProgram(r));
      // The private API is per region; the others span both regions in one component.
      const expected = type.endsWith("CrossAccountPrivateApi") ? 2 : 1;
      assert.equal(found.length, expected, type);
    }
  });

  it("puts every resource under a component, in the two accounts and the new region pair", () => {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // The glue the program adds itself: the endpoint id for the plane's forwarders.
    const glue = (r: Resource) => r.type === "aws:ssm/parameter:Parameter";
    // Only the fail-over's notifications and the reconnect function they start sit beside the
    // HealthCheckStatus metric, which Route 53 publishes in us-east-1 only.
    const statusPart = (r: Resource) =>
      /RegionFailover\$iot-dr:health:(FailoverNotifications|DeviceReconnect)\$/.test(r.urn) &&
      /^fleet-failover-(notifications|reconnect)-/.test(r.name);
    for (const r of resources.filter((r) => r.type.startsWith("aws:") && !glue(r))) {
      let top = byUrn.get(r.parent ?? "");
      while (top && !COMPONENTS.includes(top.type)) top = byUrn.get(top.parent ?? "");
      assert.ok(top, `${r.urn} is not under a component`);
      assert.ok(Object.values(ACCOUNTS).includes(r.account ?? ""), `${r.urn}: ${r.account}`);
      const regions = ["global", ...(statusPart(r) ? [STATUS_REGION] : REGIONS)];
      assert.ok(regions.includes(r.region ?? ""), `${r.urn}: ${r.region}`);
    }
  });

  it("fails the devices' domain over: a PRIMARY and a SECONDARY record, each on its region's checks", () => {
    const records = resources.filter(
      (r) =>
        r.type === "aws:route53/record:Record" && r.inputs.name === "devices.fleet.example.net",
    );
    const byRole = Object.fromEntries(
      records.map((r) => [(r.inputs.failoverRoutingPolicies as { type: string }[])[0]?.type, r]),
    );
    assert.deepEqual(Object.keys(byRole).sort(), ["PRIMARY", "SECONDARY"]);
    for (const [role, region] of [
      ["PRIMARY", REGIONS[0]],
      ["SECONDARY", REGIONS[1]],
    ]) {
      const record = byRole[role];
      assert.equal(record.inputs.type, "CNAME");
      assert.match(String((record.inputs.records as string[])[0]), new RegExp(`\\.${region}\\.`));
      assert.match(String(record.inputs.healthCheckId), /^[0-9a-f-]{36}$/);
    }
    assert.notEqual(byRole.PRIMARY.inputs.healthCheckId, byRole.SECONDARY.inputs.healthCheckId);
    // Per region: the aggregator's alarm (silence breaches), its metric check, the TCP check of
    // the IoT endpoint, and the calculated check of both that the record follows.
    for (const side of ["primary", "secondary"]) {
      const named = (name: string) =>
        resources.find((r) => r.name === `fleet-failover-${side}-${name}`);
      assert.equal(named("aggregator-alarm")?.inputs.treatMissingData, "breaching");
      assert.equal(named("aggregator-check")?.inputs.type, "CLOUDWATCH_METRIC");
      assert.equal(named("record-check-endpoint")?.inputs.type, "TCP");
      assert.equal(named("record-check-calculated")?.inputs.childHealthThreshold, 2);
    }
  });

  it("tells devices to move: the primary's alarm starts the fast reconnect, the record check's status alarm the other", () => {
    const named = (name: string) => {
      const found = resources.find((r) => r.name === name);
      assert.ok(found, name);
      return found;
    };
    const alarm = named("fleet-failover-primary-aggregator-alarm");
    const fromAlarm = named("fleet-failover-primary-reconnect-fast-from-alarm");
    assert.equal(fromAlarm.inputs.principal, "lambda.alarms.cloudwatch.amazonaws.com");
    assert.match(
      String(fromAlarm.inputs.sourceArn),
      new RegExp(`:alarm:${String(alarm.inputs.name)}$`),
    );
    assert.deepEqual(
      (alarm.inputs.alarmActions as string[]).map((arn) => arn.split(":").pop()),
      [fromAlarm.inputs.function],
    );
    // Route 53's status of the PRIMARY record's check, in us-east-1, notifies the topic the
    // second reconnect function is subscribed to.
    const primary = resources.find(
      (r) =>
        r.type === "aws:route53/record:Record" &&
        (r.inputs.failoverRoutingPolicies as { type: string }[] | undefined)?.[0]?.type ===
          "PRIMARY",
    );
    const status = named("fleet-failover-notifications-status");
    assert.equal(status.region, STATUS_REGION);
    assert.deepEqual(status.inputs.dimensions, { HealthCheckId: primary?.inputs.healthCheckId });
    const subscription = named("fleet-failover-reconnect-subscription");
    assert.deepEqual(status.inputs.alarmActions, [subscription.inputs.topic]);
    assert.equal(subscription.inputs.protocol, "lambda");
    assert.match(
      String(subscription.inputs.endpoint),
      /:us-east-1:111111111111:function:fleet-failover-reconnect-fn-fn-/,
    );
    // No fast reconnect in the secondary region: its alarm moves no device.
    assert.ok(!resources.some((r) => r.name.startsWith("fleet-failover-secondary-reconnect")));
  });

  it("hands the plane's forwarders the global endpoint's id in both regions of the IoT account", () => {
    const endpoint = resources.filter(
      (r) => r.type === "aws:cloudwatch/eventEndpoint:EventEndpoint",
    );
    assert.equal(endpoint.length, 1);
    const parameters = resources.filter((r) => r.type === "aws:ssm/parameter:Parameter");
    assert.deepEqual(parameters.map((r) => r.region).sort(), REGIONS);
    for (const p of parameters) {
      assert.equal(p.account, ACCOUNTS.platform);
      // The name the forwarder reads (its ENDPOINT_ID_PARAMETER), so the two cannot drift.
      const forwarder = resources.find(
        (r) =>
          r.type === "aws:lambda/function:Function" &&
          r.region === p.region &&
          /forwarder/.test(r.name),
      );
      const env = (forwarder?.inputs.environment as { variables: Record<string, string> })
        ?.variables;
      assert.equal(p.inputs.name, env?.ENDPOINT_ID_PARAMETER, p.urn);
      // The value is the endpoint's id; the provider marks every parameter value secret.
      assert.equal(p.inputs.type, "String");
    }
  });

  it("creates the consumer's execute-api endpoints in the consumer account, one per region", () => {
    // The fail-over's own endpoints (its aggregator's VPC, in `platform`) are its business.
    const endpoints = resources.filter(
      (r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.name.startsWith("fleet-api-"),
    );
    assert.deepEqual(endpoints.map((r) => r.region).sort(), REGIONS);
    for (const e of endpoints) {
      assert.equal(e.account, ACCOUNTS.consumer);
      assert.equal(e.inputs.serviceName, `com.amazonaws.${e.region}.execute-api`);
    }
  });

  it("runs every provider through a deploy role of the account it pins", () => {
    const providers = resources.filter((r) => r.type === "pulumi:providers:aws");
    // Both accounts in both regions, and the platform in us-east-1 for the fail-over's status alarm.
    assert.equal(providers.length, 5);
    for (const p of providers) {
      const [role] = p.inputs.assumeRoles as { roleArn: string }[];
      assert.match(role.roleArn, new RegExp(`^arn:aws:iam::${p.account}:role/`));
    }
  });
});
