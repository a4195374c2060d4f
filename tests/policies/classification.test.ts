import { strict as assert } from "assert";
import * as fs from "fs";
import { INSTALLED_AWS, classByTable, classOf } from "../../policies/classification";
import { iotDrPolicies } from "../../policies/rules";
import {
  opaqueResourceRefused,
  resourceTypeClassified,
  statefulReplicationJudged,
} from "../../policies/rules/classified";
import { statefulPeerInDrRegion } from "../../policies/rules/peered";
import {
  INSTALLED_TYPES_FILE,
  installedAwsPackage,
  installedTypesSource,
} from "../support/installedAwsTypes";
import { Declared, awsProvider, rejectedAtBoth } from "../support/policyViews";
import { POLICIES_DOC, renderedDoc } from "../support/policiesDoc";

describe("classification of every resource type of the installed @pulumi/aws", () => {
  const installed = installedAwsPackage();

  it("is made against the installed package (policies/classification/installedTypes.ts is current)", async () => {
    assert.ok(installed.types.length > 1500, `only ${installed.types.length} types found`);
    assert.equal(INSTALLED_AWS.version, installed.version);
    assert.deepEqual(INSTALLED_AWS.types, installed.types);
    assert.equal(fs.readFileSync(INSTALLED_TYPES_FILE, "utf8"), await installedTypesSource());
  });

  it("gives every installed type a class", () => {
    assert.deepEqual(
      installed.types.filter((t) => !classOf(t)),
      [],
    );
  });

  it("names a registered rule for every replicated type that claims one", () => {
    const names = new Set(iotDrPolicies.map((p) => p.name));
    const claimed = installed.types.flatMap((t) => {
      const c = classOf(t);
      return c?.kind === "replicated" && c.rule ? [[t, c.rule]] : [];
    });
    assert.ok(claimed.length >= 5);
    assert.deepEqual(
      claimed.filter(([, rule]) => !names.has(rule)),
      [],
    );
  });

  it("fails closed on a type the classified package does not have, even in a known service", () => {
    const newer = "aws:dynamodb/futureStore:FutureStore";
    assert.ok(classByTable(newer), "the table's pattern would classify it");
    assert.equal(classOf(newer), undefined);
  });
});

const west = awsProvider("west", "eu-west-1");
const central = awsProvider("central", "eu-central-1");
const DR = { drRegions: ["eu-west-1", "eu-central-1"] };

describe("resource-type-classified", () => {
  it("refuses an AWS type the pack has not classified, and passes classified ones", async () => {
    const program: Declared[] = [
      west,
      { type: "aws:dynamodb/futureStore:FutureStore", name: "future", provider: "west", props: {} },
      { type: "aws-native:s3:Bucket", name: "native", provider: "west", props: {} },
      { type: "aws:sqs/queue:Queue", name: "known", provider: "west", props: {} },
      { type: "iotdr:app:Component", name: "component", props: {} },
    ];
    const verdict = await rejectedAtBoth(resourceTypeClassified, program);
    assert.deepEqual(verdict.up, ["future", "native"]);
    assert.deepEqual(verdict.preview, verdict.up);
  });
});

describe("opaque-resource-refused", () => {
  it("refuses CloudFormation stacks, dynamic providers and traffic policies; exemptions name URNs", async () => {
    const program: Declared[] = [
      west,
      { type: "aws:cloudformation/stack:Stack", name: "cfn", provider: "west", props: {} },
      { type: "pulumi-nodejs:dynamic:Resource", name: "dyn", props: {} },
      { type: "aws:route53/trafficPolicyInstance:TrafficPolicyInstance", name: "tp", props: {} },
      { type: "aws:sqs/queue:Queue", name: "queue", provider: "west", props: {} },
    ];
    assert.deepEqual((await rejectedAtBoth(opaqueResourceRefused, program)).up, [
      "cfn",
      "dyn",
      "tp",
    ]);
    const exempted = {
      exemptions: [
        { resource: "urn:pulumi:*::test::pulumi-nodejs:dynamic:Resource::dyn", reason: "r" },
      ],
    };
    assert.deepEqual((await rejectedAtBoth(opaqueResourceRefused, program, exempted)).up, [
      "cfn",
      "tp",
    ]);
  });
});

describe("stateful-replication-judged", () => {
  it("refuses stores whose replication no rule checks, naming what AWS offers", async () => {
    const program: Declared[] = [
      west,
      { type: "aws:efs/fileSystem:FileSystem", name: "files", provider: "west", props: {} },
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "cache",
        provider: "west",
      },
      { type: "aws:timestreamwrite/database:Database", name: "ts", provider: "west" },
      { type: "aws:dynamodb/table:Table", name: "judged-elsewhere", provider: "west", props: {} },
      { type: "aws:lambda/function:Function", name: "config", provider: "west", props: {} },
    ];
    const { up, preview } = await rejectedAtBoth(statefulReplicationJudged, program);
    assert.deepEqual(up, ["cache", "files", "ts"]);
    assert.deepEqual(preview, up);
  });
});

describe("stateful-peer-in-dr-region", () => {
  const queue = (name: string, provider: string): Declared => ({
    type: "aws:sqs/queue:Queue",
    name,
    provider,
    props: {},
  });
  const policy = statefulPeerInDrRegion.policy;
  const config = { ...DR, deferToCrossStack: false };

  it("passes a queue with its counterpart in the other DR region, by name modulo region", async () => {
    const program = [
      west,
      central,
      queue("jobs-eu-west-1", "west"),
      queue("jobs-eu-central-1", "central"),
    ];
    assert.deepEqual((await rejectedAtBoth(policy, program, config)).up, []);
  });

  it("refuses a lone queue, a pair in one region, and a queue outside the DR regions", async () => {
    const program = [
      west,
      central,
      awsProvider("virginia", "us-east-1"),
      queue("lone", "west"),
      queue("twin-a", "west"),
      queue("twin-a", "west"),
      queue("elsewhere", "virginia"),
      queue("elsewhere", "central"),
    ];
    const { up, preview } = await rejectedAtBoth(policy, program, config);
    assert.deepEqual(up, ["elsewhere", "lone", "twin-a"]);
    assert.deepEqual(preview, up);
  });
});

describe("docs/policies.md", () => {
  it("shows the classification and the examples as the pack's table and the sample programs give them", async () => {
    assert.equal(fs.readFileSync(POLICIES_DOC, "utf8"), await renderedDoc());
  });
});
