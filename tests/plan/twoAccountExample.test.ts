import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { planInProcess } from "../support/planCli";

const DIR = path.join("examples", "two-account");
const ACCOUNTS = { platform: "111111111111", consumer: "222222222222" };
const REGIONS = ["us-east-2", "us-west-2"];
const COMPONENTS = [
  "iot-dr:components:ReplicatedIotPlane",
  "iot-dr:components:GlobalEventBus",
  "iot-dr:components:MultiRegionBucket",
  "iot-dr:components:CrossAccountPrivateApi",
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
  stacks: { resources: Resource[]; violations: { enforcementLevel: string; policy: string }[] }[];
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
    const run = await planInProcess(["--json", ...ARGS], {
      AWS_REGION: "",
      AWS_DEFAULT_REGION: "",
    });
    ({ status, stderr } = run);
    const [stack] = (JSON.parse(run.stdout || '{"stacks":[{}]}') as Plan).stacks;
    ({ resources = [], violations = [] } = stack);
  });

  it("is planned and judged by the pack with no violation, and no exemption to hide one", () => {
    assert.equal(status, 0, stderr);
    assert.deepEqual(violations, []);
    assert.ok(resources.length > 200, `only ${resources.length} resources`);
  });

  it("is the command README.md and docs/components.md show", () => {
    const command = `npm run plan -- ${ARGS.join(" ")}`;
    for (const doc of ["README.md", path.join("docs", "components.md")]) {
      assert.ok(readFileSync(doc, "utf8").includes(`\n${command}\n`), `${doc}: ${command}`);
    }
  });

  it("uses each of the four components, imported from the package entry", () => {
    const source = readFileSync(path.join(DIR, "index.ts"), "utf8");
    assert.match(source, /^} from "iot-dr";$/m);
    assert.doesNotMatch(source, /from "\.\.?\//, "a relative import bypasses the entry");
    for (const type of COMPONENTS) {
      const found = resources.filter((r) => r.type === type);
      // The private API is per region; the others span both regions in one component.
      const expected = type.endsWith("CrossAccountPrivateApi") ? 2 : 1;
      assert.equal(found.length, expected, type);
    }
  });

  it("puts every resource under a component, in the two accounts and the new region pair", () => {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // The glue the program adds itself: the endpoint id for the plane's forwarders.
    const glue = (r: Resource) => r.type === "aws:ssm/parameter:Parameter";
    for (const r of resources.filter((r) => r.type.startsWith("aws:") && !glue(r))) {
      let top = byUrn.get(r.parent ?? "");
      while (top && !COMPONENTS.includes(top.type)) top = byUrn.get(top.parent ?? "");
      assert.ok(top, `${r.urn} is not under a component`);
      assert.ok(Object.values(ACCOUNTS).includes(r.account ?? ""), `${r.urn}: ${r.account}`);
      assert.ok(r.region === "global" || REGIONS.includes(r.region ?? ""), `${r.urn}: ${r.region}`);
    }
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
    const endpoints = resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
    assert.deepEqual(endpoints.map((r) => r.region).sort(), REGIONS);
    for (const e of endpoints) {
      assert.equal(e.account, ACCOUNTS.consumer);
      assert.equal(e.inputs.serviceName, `com.amazonaws.${e.region}.execute-api`);
    }
  });

  it("runs every provider through a deploy role of the account it pins", () => {
    const providers = resources.filter((r) => r.type === "pulumi:providers:aws");
    assert.equal(providers.length, 4);
    for (const p of providers) {
      const [role] = p.inputs.assumeRoles as { roleArn: string }[];
      assert.match(role.roleArn, new RegExp(`^arn:aws:iam::${p.account}:role/`));
    }
  });
});
