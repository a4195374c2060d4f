import { strict as assert } from "assert";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import {
  THING_NAME_VARIABLE,
  checkDevicePolicy,
} from "../../functions/commandControl/policyContract";
import { RequestError } from "../../functions/commandControl/validate";
import { PROVISIONING_ROLE_PATH } from "../../core/provisioningRoles";
import { DeclaredCall } from "../../functions/shared/access";
import { SWEEP_STATE_MACHINE, sweepDefinition } from "../../components/iotPlane/antiEntropy";
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
import { PlannedWorld, policyOf } from "../support/plannedPolicies";

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

    it("the C&C access role cannot write a CA certificate, provisioning template or unkeyed item", async () => {
      const put = (leadingKey?: string): DeclaredCall => ({
        action: "dynamodb:PutItem",
        resource:
          "arn:{partition}:dynamodb:{region}:{accountOf:{env.ACCESS_ROLE_ARN}}:table/{env.REGISTRY_TABLE}",
        as: "{env.ACCESS_ROLE_ARN}",
        ...(leadingKey ? { context: { "dynamodb:LeadingKeys": leadingKey } } : {}),
      });
      const requests = [
        "caCertificate#0123",
        "provisioningTemplate#fleet",
        "thingType#sensor",
        "thingGroup#plant-7",
        undefined,
      ].flatMap((key) => as("command & control API", put(key)));
      assert.deepEqual(await allowedAmong(requests), []);
      // The same put of a key the API owns is allowed: the denial is the key's doing.
      assert.deepEqual(await deniedAmong(as("command & control API", put("policy#p"))), []);
    });

    it("the reconciler passes IoT only the provisioning roles, and them to nothing else", async () => {
      const pass = (role: string, service: string): DeclaredCall => ({
        action: "iam:PassRole",
        resource: `arn:{partition}:iam::{account}:role/${role}`,
        by: "implied",
        context: { "iam:PassedToService": service },
      });
      const requests = [
        ...as("reconciler", pass("iot-dr-deploy", "iot.amazonaws.com")),
        ...as("reconciler", pass("Admin", "iot.amazonaws.com")),
        ...as("reconciler", pass("iot-dr-provisioning-lookalike", "iot.amazonaws.com")),
        ...as(
          "reconciler",
          pass(`${PROVISIONING_ROLE_PATH.slice(1)}fleet`, "lambda.amazonaws.com"),
        ),
      ];
      assert.deepEqual(await allowedAmong(requests), []);
      // A provisioning role passed to IoT is allowed: the denials are the path's doing.
      const allowed = as(
        "reconciler",
        pass(`${PROVISIONING_ROLE_PATH.slice(1)}fleet`, "iot.amazonaws.com"),
      );
      assert.deepEqual(await deniedAmong(allowed), []);
    });

    it("the probe issuer puts certificates on and takes them off the probe thing only", async () => {
      const onThing = (action: string, thing: string): DeclaredCall => ({
        action,
        resource: `${iot}:cert/0123456789abcdef`,
        context: { "iot:thingArn": `${iot}:thing/${thing}` },
      });
      const requests = ["iot:AttachThingPrincipal", "iot:DetachThingPrincipal"].flatMap(
        (action) => [
          ...as("probe certificate issuer", onThing(action, "sensor-0001")),
          // Without the thing in the request, nothing is allowed either.
          ...as("probe certificate issuer", { action, resource: `${iot}:cert/0123456789abcdef` }),
        ],
      );
      assert.deepEqual(await allowedAmong(requests), []);
      // Nor may it list another thing's certificates, which is how it finds those it retires.
      const list = as("probe certificate issuer", {
        action: "iot:ListThingPrincipals",
        resource: `${iot}:thing/sensor-0001`,
      });
      assert.deepEqual(await allowedAmong(list), []);
    });

    it("the reconciler cannot touch the application's data", async () => {
      const requests = as("reconciler", {
        action: "dynamodb:PutItem",
        resource: "arn:{partition}:dynamodb:{region}:{account}:table/iot-dr-application",
      });
      assert.deepEqual(await allowedAmong(requests), []);
    });

    it("trail replay reads only its account's and region's log files, and decrypts only through S3", async () => {
      const logs = "arn:{partition}:s3:::{env.TRAIL_LOG_BUCKET}/AWSLogs";
      const read = (resource: string): DeclaredCall => ({ action: "s3:GetObject", resource });
      const requests = [
        // Log file validation's digest files, another region's or account's logs, other keys.
        read(`${logs}/{account}/CloudTrail-Digest/{region}/2026/03/01/digest.json.gz`),
        read(`${logs}/{account}/CloudTrail/us-east-1/2026/03/01/log.json.gz`),
        read(`${logs}/999999999999/CloudTrail/{region}/2026/03/01/log.json.gz`),
        read("arn:{partition}:s3:::{env.TRAIL_LOG_BUCKET}/other/log.json.gz"),
        read(
          "arn:{partition}:s3:::another-bucket/AWSLogs/{account}/CloudTrail/{region}/log.json.gz",
        ),
      ].flatMap((call) => as("trail replay", call));
      // The plane key straight from the function, or through another service than S3 or SQS.
      const decrypt = (context?: Record<string, string>): DeclaredCall => ({
        action: "kms:Decrypt",
        resource: { kmsKeyOf: { bucket: "{env.TRAIL_LOG_BUCKET}" } },
        by: "implied",
        ...(context ? { context } : {}),
      });
      requests.push(
        ...as("trail replay", decrypt()),
        ...as("trail replay", decrypt({ "kms:ViaService": "secretsmanager.{region}.{dnsSuffix}" })),
      );
      assert.deepEqual(await allowedAmong(requests), []);
      // The same read of a log file is allowed: the denials are the prefix's doing.
      const allowed = as(
        "trail replay",
        read(`${logs}/{account}/CloudTrail/{region}/2026/03/01/log.json.gz`),
      );
      assert.deepEqual(await deniedAmong(allowed), []);
    });

    it("capture, invoked by events, cannot read the trail's log files", async () => {
      const replays = callersOf(world, DECLARATIONS["trail replay"]);
      const requests = callersOf(world, DECLARATIONS.capture).flatMap((caller) => {
        const replay = replays.find((r) => r.stack === caller.stack && r.region === caller.region);
        assert.ok(replay, `no trail replay beside ${caller.name} (${caller.stack})`);
        const object = `arn:{partition}:s3:::${replay.env.TRAIL_LOG_BUCKET}/AWSLogs/{account}/CloudTrail/{region}/log.json.gz`;
        return requestsOf(world, caller, { action: "s3:GetObject", resource: object });
      });
      assert.ok(requests.length > 0);
      assert.deepEqual(await allowedAmong(requests), []);
    });
  });

  describe("reconnect instructions devices can trust: only the reconnect function publishes", () => {
    const PUBLISH = ["iot:Publish", "iot:RetainPublish"];
    /** Each reconnect topic of the plan, with the IoT account and regions it is published in. */
    const reconnectTopics = () => {
      const fns = world.functionsOf("reconnect");
      assert.ok(fns.length > 0, "the plan has no reconnect function");
      return fns.flatMap((fn) =>
        [fn.env.PRIMARY_REGION, fn.env.SECONDARY_REGION].map((region) => ({
          topic: fn.env.RECONNECT_TOPIC,
          arn: `arn:${fn.partition}:iot:${region}:${fn.account}:topic/${fn.env.RECONNECT_TOPIC}`,
          account: fn.account,
          region,
        })),
      );
    };

    it("no IAM role of either stack may publish there but the reconnect function's", async () => {
      const requests: SimulatedCall[] = [];
      for (const role of world.ofType("aws:iam/role:Role")) {
        const { arn, identityPolicies } = world.principalOf(role);
        for (const target of reconnectTopics()) {
          for (const action of PUBLISH) {
            requests.push({
              label: arn,
              action,
              resource: target.arn,
              resourceAccount: target.account,
              principal: { kind: "role", arn, identityPolicies },
              context: {
                "aws:SecureTransport": "true",
                "aws:RequestedRegion": target.region,
                "aws:PrincipalArn": arn,
                "aws:PrincipalAccount": parseAccount(arn),
              },
            });
          }
        }
      }
      assert.ok(requests.length > 100, `only ${requests.length} requests`);
      const outcomes = await Promise.all(requests.map(simulate));
      const publishers = new Set(outcomes.filter((o) => o.allowed).map((o) => o.call.label));
      const reconnectRoles = new Set(
        world.functionsOf("reconnect").map((fn) => world.principalOf(fn.role).arn),
      );
      assert.deepEqual([...publishers].sort(), [...reconnectRoles].sort());
    });

    it("no IoT policy the program creates lets a device publish there", () => {
      const policies = world.ofType("aws:iot/policy:Policy");
      assert.ok(policies.length > 0);
      const publishing = policies.flatMap((p) =>
        reconnectTopics()
          .filter((t) => t.region === p.resource.region && t.account === p.resource.account)
          .flatMap((t) =>
            PUBLISH.filter((action) =>
              devicePublishes(
                policyOf(p.resource.revealedInputs.policy),
                "iot-dr-probe",
                action,
                t.arn,
              ),
            ).map((action) => `${p.resource.name}: ${action} ${t.arn}`),
          ),
      );
      assert.deepEqual(publishing, []);
    });

    // Documents a caller could send, built from the actions and resource shapes that matter here
    // (the reconnect topic as such, under, over and beside it, by wildcard and by variable), for
    // devices named after the topic's own levels. The API's contract decides which it accepts; the
    // simulator then says whether any accepted one lets its device publish on the reconnect topic.
    it("no device policy the API accepts lets its device publish there", () => {
      const [target] = reconnectTopics();
      const topic = target.topic;
      const levels = topic.split("/");
      const iot = target.arn.slice(0, target.arn.indexOf(":topic/"));
      const resourcePaths = [
        `topic/${topic}`,
        `topicfilter/${topic}`,
        `topic/${topic}/*`,
        `topic/${topic}*`,
        `topic/${levels[0]}/*`,
        `topic/${levels[0]}/${THING_NAME_VARIABLE}`,
        `topic/${THING_NAME_VARIABLE}/${levels.slice(1).join("/") || "x"}`,
        `topic/${THING_NAME_VARIABLE}/*`,
        `topic/*/${THING_NAME_VARIABLE}`,
        `topic/dt/${THING_NAME_VARIABLE}/*`,
        "topic/*",
        "*",
      ];
      const resources = resourcePaths.map((path) => (path === "*" ? "*" : `${iot}:${path}`));
      const actions = [["iot:Subscribe", "iot:Receive"], ["iot:*"], ["iot:Publish*"], PUBLISH];
      const things = ["sensor-0001", levels[levels.length - 1]];
      const contract = { listenOnlyTopics: [topic] };
      let accepted = 0;
      const publishing: string[] = [];
      for (const thing of things) {
        for (const action of actions) {
          for (const resource of resources) {
            const document = {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
            };
            try {
              checkDevicePolicy(document, thing, contract);
            } catch (error) {
              if (error instanceof RequestError) continue;
              throw error;
            }
            accepted += 1;
            for (const publish of PUBLISH) {
              if (devicePublishes(document, thing, publish, target.arn)) {
                publishing.push(`${thing}: ${JSON.stringify(document.Statement)}`);
              }
            }
          }
        }
      }
      // Not vacuous: the contract accepts some of them (its own topics, listening to the topic).
      assert.ok(accepted >= 10, `only ${accepted} documents accepted`);
      assert.deepEqual(publishing, []);
    });
  });
});

const parseAccount = (arn: string) => arn.split(":")[4];

/** AWS's evaluation of an IoT policy for a device connected as `thingName` (client id the same). */
function devicePublishes(
  policy: Record<string, unknown> | object,
  thingName: string,
  action: string,
  topicArn: string,
): boolean {
  const result = runUnsafeSimulation(
    {
      request: {
        principal: `${topicArn.split(":").slice(0, 5).join(":")}:cert/device`,
        action,
        resource: { resource: topicArn, accountId: topicArn.split(":")[4] },
        // IoT's policy variables are not IAM context keys: the unsafe run takes them as given.
        contextVariables: {
          "iot:Connection.Thing.ThingName": thingName,
          "iot:ClientId": thingName,
          "iot:Connection.Thing.IsAttached": "true",
        },
      },
      identityPolicies: [{ name: "device", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return result === "Allowed";
}
