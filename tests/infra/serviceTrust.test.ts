import { strict as assert } from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { CONFUSED_DEPUTY_SOURCES } from "../../components/iam/serviceTrust";
import { ownStacks } from "../support/ownStacks";
import { policyOf } from "../support/plannedPolicies";

const ANOTHER_ACCOUNT = "999999999999";

/** A planned role trusted by a service, one entry per (role, service). */
interface ServiceTrust {
  label: string;
  roleArn: string;
  account: string;
  service: string;
  trust: Record<string, unknown>;
  /** A source ARN the trust's own condition names, with the role's account. */
  ownSourceArn?: string;
}

/** Every role of both stacks that a service principal may assume, read from the plan. */
async function serviceTrusts(): Promise<ServiceTrust[]> {
  const found: ServiceTrust[] = [];
  for (const report of await ownStacks()) {
    for (const role of report.resources.filter((r) => r.type === "aws:iam/role:Role")) {
      const trust = policyOf(role.revealedInputs.assumeRolePolicy);
      const roleArn = String(role.revealedState.arn);
      for (const statement of [trust.Statement].flat()) {
        const principal = statement.Principal as Record<string, unknown> | string | undefined;
        const services =
          typeof principal === "object" ? [principal.Service ?? []].flat().map(String) : [];
        const condition = statement.Condition as Record<string, Record<string, unknown>>;
        // Under whichever operator names it (ArnLike, ArnEquals, StringEquals...).
        const sourceArn = Object.values(condition ?? {})
          .flatMap((keys) => [keys["aws:SourceArn"] ?? []].flat())
          .map(String)[0];
        for (const service of services) {
          found.push({
            label: `${report.stack}: ${role.name} (${service})`,
            roleArn,
            account: roleArn.split(":")[4],
            service,
            trust: trust as unknown as Record<string, unknown>,
            ownSourceArn: sourceArn?.replace(/\*/g, "x"),
          });
        }
      }
    }
  }
  return found;
}

/** AWS's evaluation of the service assuming the role on behalf of a resource. */
async function assumes(trust: ServiceTrust, context: Record<string, string>): Promise<boolean> {
  const result = await runSimulation(
    {
      request: {
        principal: trust.service,
        action: "sts:AssumeRole",
        resource: { resource: trust.roleArn, accountId: trust.account },
        contextVariables: context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust.trust,
    },
    {},
  );
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult === "Allowed";
}

describe("service trusts: the confused-deputy keys on every role a service assumes", () => {
  it("trusts only services whose confused-deputy keys are looked up (components/iam/serviceTrust.ts)", async () => {
    const trusts = await serviceTrusts();
    // Not vacuous: Lambda, IoT, EventBridge, Step Functions, Scheduler, S3, API Gateway, flow logs.
    assert.ok(new Set(trusts.map((t) => t.service)).size >= 8, "fewer services than planned");
    const unknown = trusts.filter((t) => !(t.service in CONFUSED_DEPUTY_SOURCES));
    assert.deepEqual(
      unknown.map((t) => t.label),
      [],
    );
  });

  it("lets no service assume a role of the plan for another account's resource, or for none", async () => {
    const trusts = await serviceTrusts();
    assert.ok(trusts.length > 40, `only ${trusts.length} service trusts planned`);
    const confused: string[] = [];
    const lockedOut: string[] = [];
    for (const trust of trusts) {
      const own = {
        "aws:SourceAccount": trust.account,
        "aws:SourceArn":
          trust.ownSourceArn ??
          `arn:aws:${trust.service.split(".")[0]}:eu-west-1:${trust.account}:x/own`,
      };
      // The role still works for its own resources: the denials below are the keys' doing.
      if (!(await assumes(trust, own))) lockedOut.push(trust.label);
      const foreignArn = own["aws:SourceArn"].replace(trust.account, ANOTHER_ACCOUNT);
      const foreign: Record<string, string>[] = [
        { "aws:SourceAccount": ANOTHER_ACCOUNT, "aws:SourceArn": foreignArn },
        {},
      ];
      for (const context of foreign) {
        if (await assumes(trust, context))
          confused.push(`${trust.label} ${JSON.stringify(context)}`);
      }
    }
    assert.deepEqual(lockedOut, []);
    assert.deepEqual(confused, []);
  });
});
