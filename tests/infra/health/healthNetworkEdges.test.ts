import { strict as assert } from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ofTypeIn, ownStacks } from "../../support/ownStacks";
import { policyOf } from "../../support/plannedPolicies";

const HEALTH = "iot-dr:health:HealthNetwork";

/** The plan's state carries a VPC's id only in its ARN (`...:vpc/<id>`). */
const vpcId = (vpc: { revealedState: Record<string, unknown> }) =>
  String(vpc.revealedState.arn).split("/").pop();

describe("health network edges: flow logs and the default security group", () => {
  it("logs every flow of each health VPC to a retained log group, kept a year", async () => {
    let vpcs = 0;
    for (const report of await ownStacks()) {
      for (const vpc of ofTypeIn(report, HEALTH, "aws:ec2/vpc:Vpc")) {
        vpcs += 1;
        const flowLogs = report.resources.filter(
          (r) => r.type === "aws:ec2/flowLog:FlowLog" && r.revealedInputs.vpcId === vpcId(vpc),
        );
        assert.equal(flowLogs.length, 1, `${report.stack}: flow logs of ${vpc.name}`);
        const [flowLog] = flowLogs;
        assert.equal(flowLog.revealedInputs.trafficType, "ALL");
        assert.equal(flowLog.revealedInputs.logDestinationType, "cloud-watch-logs");
        const group = report.resources.find(
          (r) =>
            r.type === "aws:cloudwatch/logGroup:LogGroup" &&
            r.revealedState.arn === flowLog.revealedInputs.logDestination,
        );
        assert.ok(group, "the flow log's destination is a planned log group");
        assert.ok(Number(group.revealedInputs.retentionInDays) >= 365, "kept at least a year");
        assert.equal(group.lifecycle?.retainOnDelete, true, "the records outlive the stack");
      }
    }
    assert.equal(vpcs, 2, "a health VPC in each region");
  });

  it("lets the flow-log role write only its own log group", async () => {
    for (const report of await ownStacks()) {
      const flowLog = ofTypeIn(report, HEALTH, "aws:ec2/flowLog:FlowLog")[0];
      const role = report.resources.find(
        (r) =>
          r.type === "aws:iam/role:Role" &&
          r.revealedState.arn === flowLog.revealedInputs.iamRoleArn,
      );
      assert.ok(role);
      const policies = report.resources
        .filter(
          (r) =>
            r.type === "aws:iam/rolePolicy:RolePolicy" &&
            r.revealedInputs.role === role.revealedState.name,
        )
        .map((r, i) => ({ name: `p${i}`, policy: policyOf(r.revealedInputs.policy) }));
      assert.ok(policies.length > 0);
      const group = String(flowLog.revealedInputs.logDestination);
      const account = group.split(":")[4];
      const other = group.replace(/log-group:.*/, "log-group:/iot-dr/command-control/api-access");
      const puts = async (logGroupArn: string) => {
        const result = await runSimulation(
          {
            request: {
              principal: String(role.revealedState.arn),
              action: "logs:PutLogEvents",
              resource: { resource: `${logGroupArn}:log-stream:eni-0123`, accountId: account },
              contextVariables: {},
            },
            identityPolicies: policies,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
          },
          {},
        );
        if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
        return result.overallResult === "Allowed";
      };
      assert.equal(await puts(group), true, `${report.stack}: writes its own group`);
      assert.equal(await puts(other), false, `${report.stack}: writes another group`);
    }
  });

  it("adopts each health VPC's default security group with no rule", async () => {
    for (const report of await ownStacks()) {
      const vpcIds = ofTypeIn(report, HEALTH, "aws:ec2/vpc:Vpc").map(vpcId);
      const defaults = ofTypeIn(
        report,
        HEALTH,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      );
      assert.deepEqual(
        defaults.map((d) => d.revealedInputs.vpcId),
        vpcIds,
      );
      for (const group of defaults) {
        // The provider removes every rule it does not declare (none here).
        assert.deepEqual([group.revealedInputs.ingress ?? []].flat(), [], "no ingress rule");
        assert.deepEqual([group.revealedInputs.egress ?? []].flat(), [], "no egress rule");
      }
    }
  });
});
