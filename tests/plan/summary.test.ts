import { strict as assert } from "assert";
import { PlannedResource } from "../../plan/engine";
import { progressOn } from "../../plan/progress";
import { StackReport } from "../../plan/run";
import { renderSummary, shortSource } from "../../plan/summary";
import {
  instructedRtoBudget,
  rtoBudget,
  silentAggregatorRtoBudget,
} from "../../components/failover/budget";

const STACK_URN = "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev";

function resource(name: string, type: string, parent: string, custom = true): PlannedResource {
  return {
    urn: `urn:pulumi:dev::demo::${type}::${name}`,
    type,
    name,
    account: "111111111111",
    region: "eu-west-1",
    parent,
    inputs: {},
    state: {},
    revealedInputs: {},
    revealedState: {},
    custom,
    provider: null,
  };
}

const inputs = {
  ttlSeconds: 60,
  alarmPeriodSeconds: 60,
  alarmEvaluationPeriods: 1,
  aggregatorIntervalSeconds: 10,
  probeTimeoutSeconds: 5,
  deviceReconnectSeconds: 30,
  rtoTargetSeconds: 200,
};

function report(): StackReport {
  const component = resource("store", "demo:data:Store", STACK_URN, false);
  const bucket = resource("open-bucket", "aws:s3/bucket:Bucket", component.urn);
  const logs = resource("logs", "aws:s3/bucket:Bucket", component.urn);
  return {
    stack: "dev",
    project: "demo",
    resources: [component, bucket, logs],
    outputs: {
      rto: rtoBudget(inputs),
      rtoInstructed: instructedRtoBudget(inputs),
      rtoSilent: silentAggregatorRtoBudget(inputs),
    },
    violations: [
      {
        policyPack: "iot-dr",
        policy: "s3-bucket-replicated",
        enforcementLevel: "mandatory",
        urn: bucket.urn,
        message: "not replicated: add an aws.s3.BucketReplicationConfig",
      },
      {
        policyPack: "iot-dr",
        policy: "s3-bucket-replicated",
        enforcementLevel: "mandatory",
        urn: logs.urn,
        message: "not replicated",
        exemption: "audit logs of one region",
      },
    ],
  };
}

describe("plan summary", () => {
  const text = renderSummary([report()]);

  it("gives the verdict first: a mandatory violation fails the stack", () => {
    assert.match(text, /^Stack dev: FAIL \(1 mandatory\); 0 advisory, 1 exempted; 3 resources/);
    assert.match(text, /^Verdict: FAIL, mandatory violations in dev \(exit 1\)$/m);
  });

  it("counts resources by their component", () => {
    assert.match(text, /by component: Store 2\n/);
  });

  it("names the resource, the rule and the fix; an exempted one with its reason", () => {
    assert.match(
      text,
      /MANDATORY {2}s3-bucket-replicated on open-bucket: not replicated: add an aws\.s3\.BucketReplicationConfig/,
    );
    assert.match(text, /exempted {3}s3-bucket-replicated on logs: audit logs of one region/);
  });

  it("prints a resource exempted from several rules once, naming each rule and each distinct reason once", () => {
    const base = report();
    const [, exempted] = base.violations;
    const twice = renderSummary([
      {
        ...base,
        violations: [
          exempted,
          { ...exempted, policy: "s3-bucket-multi-region-access-point" },
          { ...exempted, policy: "s3-bucket-versioned", exemption: "written once" },
        ],
      },
    ]);
    const lines = twice.split("\n").filter((l) => l.includes("exempted   "));
    assert.deepEqual(lines, [
      "    exempted   s3-bucket-replicated, s3-bucket-multi-region-access-point, s3-bucket-versioned on logs: audit logs of one region; written once",
    ]);
  });

  it("prints the RTO budget as a table of term, seconds, basis and source against the target", () => {
    // 2 x 10 + 5 + 60 + 30 + 60 + 5 + 5 = 185 against 200.
    assert.match(text, /RTO budget, worst case: 185 s, fits the 200 s target/);
    assert.match(text, /alarm detection +60 +60 +- +aws +alarm-evaluation\.html$/m);
    assert.match(
      text,
      /Route 53 reaction to the record's check +30 +30 +30 +conservative +dns-failover-determining-health-of-endpoints\.html$/m,
    );
    assert.match(text, /total +185 +\d+ +\d+ +target 200/);
  });

  it("prints every term's source on its row, and no term without one", () => {
    const budgets = [
      rtoBudget(inputs),
      instructedRtoBudget(inputs),
      silentAggregatorRtoBudget(inputs),
    ];
    for (const term of budgets.flatMap((b) => b.terms)) {
      const row = text.split("\n").find((line) => line.startsWith(`    ${term.name} `));
      assert.ok(row, term.name);
      assert.ok(row.endsWith(`${term.basis.padEnd(12)}  ${shortSource(term.source)}`), row);
    }
    assert.doesNotMatch(text, /\(no source\)/);
    assert.equal(shortSource(undefined), "(no source)");
    assert.equal(
      shortSource("https://docs.aws.amazon.com/Route53/latest/x/y.html#anchor"),
      "y.html",
    );
  });

  it("prints the instructed and silent paths as their own columns and verdicts", () => {
    const instructed = instructedRtoBudget(inputs);
    const silent = silentAggregatorRtoBudget(inputs);
    assert.match(text, /term +seconds +instr\. +silent +basis +source/);
    // Its own terms appear with "-" for the paths that do not have them.
    assert.match(text, /answer poll +- +1 +- +setting/);
    assert.match(
      text,
      new RegExp(`total +185 +${instructed.totalSeconds} +${silent.totalSeconds} +target 200`),
    );
    assert.match(
      text,
      /instr\.: broker up, devices moved by the reconnect instruction, OVER the 200 s target/,
    );
    assert.match(text, /silent: a region dead with its aggregator.*fits the 200 s target/);
  });

  it("prints progress lines with elapsed time on a terminal only", () => {
    let clock = 0;
    const written: string[] = [];
    const tty = { isTTY: true, write: (t: string) => written.push(t) };
    const progress = progressOn(tty, true, () => clock);
    progress.stage("dev: program under the mocks");
    clock = 1500;
    progress.stage("cross-stack checks");
    assert.deepEqual(written, [
      "[  0.0 s] dev: program under the mocks\n",
      "[  1.5 s] cross-stack checks\n",
    ]);
    const pipe = { isTTY: false, write: (t: string) => written.push(t) };
    progressOn(pipe, true).stage("x");
    progressOn(tty, false).stage("x");
    assert.equal(written.length, 2);
  });
});
