import { strict as assert } from "assert";
import { DeclaredCall } from "../../functions/shared/access";
import { SWEEP_STATE_MACHINE, sweepDefinition } from "../../infra/iotPlane/antiEntropy";
import {
  Caller,
  SimulatedCall,
  callersOf,
  declaredRequests,
  deniedAmong,
  functionCallers,
  lambdaServiceCalls,
  requestsOf,
  simulate,
} from "../support/accessSimulation";
import { DECLARATIONS } from "../support/declarations";
import { ownStacks } from "../support/ownStacks";
import { PlannedWorld } from "../support/plannedPolicies";

describe("access simulation: every call a function declares, against the planned IAM", () => {
  let world: PlannedWorld;
  before(async function () {
    // Planning both stacks takes a while on a busy machine; every test here shares the one plan.
    this.timeout(300_000);
    world = new PlannedWorld(await ownStacks());
  });

  for (const [name, declaration] of Object.entries(DECLARATIONS)) {
    it(`allows every call the ${name} declares, in every account and region of both stacks`, async () => {
      const requests = declaredRequests(world, declaration);
      assert.ok(requests.length > 0);
      assert.deepEqual(await deniedAmong(requests), []);
    });
  }

  // Least privilege the other way round: a grant nobody uses is a permission an attacker could.
  it("grants each function's role no action that neither the function nor Lambda for it makes", () => {
    const overGranted: string[] = [];
    for (const [name, declaration] of Object.entries(DECLARATIONS)) {
      if (!("lambda" in declaration.runsAs)) continue;
      const declared = new Set(declaration.calls.map((c) => c.action.toLowerCase()));
      for (const caller of callersOf(world, declaration)) {
        const used = new Set([
          ...declared,
          ...lambdaServiceCalls(world, caller.fn!).map((c) => c.action.toLowerCase()),
        ]);
        for (const { policy } of world.principalOf(caller.role).identityPolicies) {
          for (const statement of [policy.Statement].flat()) {
            if (statement.Effect !== "Allow") continue;
            for (const action of [statement.Action ?? []].flat().map(String)) {
              if (!used.has(action.toLowerCase())) {
                overGranted.push(
                  `${name} (${caller.stack} ${caller.region}): ${action} (${typeof statement.Sid === "string" ? statement.Sid : ""})`,
                );
              }
            }
          }
        }
      }
    }
    assert.deepEqual([...new Set(overGranted)], []);
  });

  it("allows what Lambda does with each function's role: logs, VPC interfaces, event source pollers, failure destinations", async () => {
    const requests = functionCallers(world).flatMap((caller) =>
      lambdaServiceCalls(world, caller.fn!).flatMap((call) => requestsOf(world, caller, call)),
    );
    assert.ok(requests.some((r) => r.action === "dynamodb:GetRecords"));
    assert.ok(requests.some((r) => r.action === "sqs:ReceiveMessage"));
    assert.ok(requests.some((r) => r.action === "sqs:SendMessage"));
    assert.ok(requests.some((r) => r.action === "ec2:CreateNetworkInterface"));
    assert.deepEqual(await deniedAmong(requests), []);
  });

  it("simulates the sweep's child executions in the form a STANDARD Distributed Map names them", () => {
    // The declaration's `execution:<machine>/<mapRunLabel>:<id>` holds for STANDARD child
    // workflows; EXPRESS ones are `express:<machine>/<mapRunLabel>:<id>:<id>`.
    const map = (
      sweepDefinition("arn:aws:lambda:eu-west-1:1:function:f", "aws") as {
        States: { Segments: { ItemProcessor: { ProcessorConfig: Record<string, string> } } };
      }
    ).States.Segments.ItemProcessor.ProcessorConfig;
    assert.deepEqual(map, { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
    const { runsAs } = DECLARATIONS["sweep state machine"];
    assert.equal("stateMachine" in runsAs ? runsAs.stateMachine : undefined, SWEEP_STATE_MACHINE);
  });

  it("declares, for every role a function assumes, the AssumeRole that obtains it", () => {
    for (const [name, declaration] of Object.entries(DECLARATIONS)) {
      const assumed = new Set(declaration.calls.filter((c) => c.as).map((c) => c.as));
      for (const role of assumed) {
        assert.ok(
          declaration.calls.some((c) => c.action === "sts:AssumeRole" && c.resource === role),
          `${name} calls as ${role} without declaring sts:AssumeRole of it`,
        );
      }
    }
  });

  describe("denies what a function must not do", () => {
    /** The requests `call` makes from each planned caller of a declaration (optionally filtered). */
    const as = (
      declaration: keyof typeof DECLARATIONS,
      call: DeclaredCall,
      which: (caller: Caller) => boolean = () => true,
    ): SimulatedCall[] => {
      const callers = callersOf(world, DECLARATIONS[declaration]).filter(which);
      assert.ok(callers.length > 0, `no planned caller of ${declaration}`);
      return callers.flatMap((caller) => requestsOf(world, caller, call));
    };
    const allowedAmong = async (requests: SimulatedCall[]) => {
      const outcomes = await Promise.all(requests.map(simulate));
      return outcomes.filter((o) => o.allowed).map((o) => o.call.label);
    };
    const iot = "arn:{partition}:iot:{region}:{account}";

    it("the forwarder cannot delete a thing", async () => {
      const requests = as("forwarder", { action: "iot:DeleteThing", resource: `${iot}:thing/<t>` });
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("capture cannot change IoT: no thing delete, no shadow update", async () => {
      const requests = [
        ...as("capture", { action: "iot:DeleteThing", resource: `${iot}:thing/<t>` }),
        ...as("capture", { action: "iot:UpdateThingShadow", resource: `${iot}:thing/<t>` }),
      ];
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("the C&C router cannot assume the access role without the external id, or with another", async () => {
      const call: DeclaredCall = { action: "sts:AssumeRole", resource: "{env.ACCESS_ROLE_ARN}" };
      const without = as("command & control API", call);
      const wrong = without.map((r) => ({
        ...r,
        context: { ...r.context, "sts:ExternalId": "guessed-external-id" },
      }));
      assert.deepEqual(await allowedAmong([...without, ...wrong]), []);
      // The same request with the external id is allowed: the denial is the external id's doing.
      const withId = as("command & control API", {
        ...call,
        externalIdSecret: "{env.EXTERNAL_ID_SECRET}",
      });
      assert.deepEqual(await deniedAmong(withId), []);
    });

    it("no role of another account can assume the access role, even with the external id", async () => {
      const accessRole = world
        .ofType("aws:iam/role:Role")
        .map((r) => String(r.resource.revealedState.arn))
        .find((arn) => arn.endsWith(":role/iot-dr-command-control-access"));
      assert.ok(accessRole);
      const requests = as(
        "health handlers",
        {
          action: "sts:AssumeRole",
          resource: accessRole,
          // Its value leaked: the plan's placeholder is the same in every account.
          externalIdSecret: "iot-dr/command-control/access-role-externalid",
        },
        (caller) => caller.env.HEALTH_CHECKS === "analytics",
      );
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("the IoT health handler reads only the probe secret and decrypts only through Secrets Manager", async () => {
      const iotHandler = (caller: Caller) => caller.env.HEALTH_CHECKS?.split(",").includes("iot");
      const requests = [
        ...as(
          "health handlers",
          {
            action: "secretsmanager:GetSecretValue",
            resource:
              "arn:{partition}:secretsmanager:{region}:{account}:secret:another-secret-<secretSuffix>",
          },
          iotHandler,
        ),
        // The plane's key straight from the handler (no kms:ViaService): not for arbitrary decrypts.
        ...as(
          "health handlers",
          {
            action: "kms:Decrypt",
            resource: { kmsKeyOf: { secret: "{env.PROBE_SECRET_ID}" } },
            by: "implied",
          },
          iotHandler,
        ),
      ];
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("the probe device connects only as itself and uses only its own topic", async () => {
      const probe = (action: string, resource: string): DeclaredCall => ({
        action,
        resource: `${iot}:${resource}`,
        by: "mqtt",
        certificateInSecret: "{env.PROBE_SECRET_ID}",
      });
      const requests = as(
        "health handlers",
        probe("iot:Connect", "client/some-device"),
        (caller) => caller.env.HEALTH_CHECKS?.split(",").includes("iot") ?? false,
      ).concat(
        as(
          "health handlers",
          probe("iot:Publish", "topic/dt/plant-7/sensor-0001"),
          (caller) => caller.env.HEALTH_CHECKS?.split(",").includes("iot") ?? false,
        ),
      );
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("iot-services cannot put events of another source on the analytics bus", async () => {
      const requests = as("forwarder", {
        action: "events:PutEvents",
        resource: "{inRegion:{env.EVENT_BUS_ARN}}",
        regions: ["{pairRegions}"],
        context: { "events:source": "aws.partner.impersonated" },
      });
      assert.deepEqual(await allowedAmong(requests), []);
      // Nor slip one into a batch of telemetry: one PutEvents, several entries, several sources.
      const mixed = requests.map((r) => ({
        ...r,
        context: {
          ...r.context,
          "events:source": ["iot-dr.telemetry", "aws.partner.impersonated"],
        },
      }));
      assert.deepEqual(await allowedAmong(mixed), []);
    });

    it("a health API answers no unsigned request from another VPC endpoint", async () => {
      const requests = as("aggregator", {
        action: "execute-api:Invoke",
        resource: "{executeApi:GET {env.HEALTH_APIS[].url}}",
        by: "http",
        unsigned: true,
        context: { "aws:SourceVpce": "vpce-0123456789abcdef0" },
      });
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("the reconnect function cannot publish outside its reconnect topic", async () => {
      const requests = as("reconnect", {
        action: "iot:Publish",
        resource: `${iot}:topic/dt/plant-7/sensor-0001`,
        regions: ["{env.PRIMARY_REGION}", "{env.SECONDARY_REGION}"],
      });
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("the reconciler cannot touch the application's data", async () => {
      const requests = as("reconciler", {
        action: "dynamodb:PutItem",
        resource: "arn:{partition}:dynamodb:{region}:{account}:table/iot-dr-application",
      });
      assert.deepEqual(await allowedAmong(requests), []);
    });
  });
});
