import { strict as assert } from "assert";
import { CAPTURED_IOT_CALLS } from "../../../core/capturedCalls";
import { REGISTRY_EVENT_TYPES } from "../../../components/iotPlane/registryEvents";
import { ofType, ownStack } from "../../support/ownStacks";
import { IOT_ACCOUNT, statementsOf, REGIONS, jsonOf, named } from "./support";

const RULE = "aws:iot/topicRule:TopicRule";
const PERMISSION = "aws:lambda/permission:Permission";

/** The FROM topic of each capture rule, and the projections it must carry. */
const CAPTURE_TOPICS: Record<string, string[]> = {
  iot_dr_registry_thing: ["$aws/events/thing/+/+"],
  iot_dr_registry_thing_type: ["$aws/events/thingType/+/+"],
  iot_dr_registry_thing_type_association: ["$aws/events/thingTypeAssociation/thing/+/+"],
  iot_dr_registry_thing_group: ["$aws/events/thingGroup/+/+"],
  iot_dr_registry_thing_group_membership: [
    "$aws/events/thingGroupMembership/thingGroup/+/thing/+/+",
  ],
  iot_dr_registry_thing_group_hierarchy: [
    "$aws/events/thingGroupHierarchy/thingGroup/+/childThingGroup/+/+",
  ],
  iot_dr_shadow_classic: ["$aws/things/+/shadow/update/accepted", "topic(3) AS thingName"],
  iot_dr_shadow_named: [
    "$aws/things/+/shadow/name/+/update/accepted",
    "topic(3) AS thingName",
    "topic(6) AS shadowName",
  ],
  iot_dr_shadow_classic_deleted: ["$aws/things/+/shadow/delete/accepted", "topic(3) AS thingName"],
  iot_dr_shadow_named_deleted: [
    "$aws/things/+/shadow/name/+/delete/accepted",
    "topic(3) AS thingName",
    "topic(6) AS shadowName",
  ],
};

for (const [stack, region] of [
  ["secondary", REGIONS.secondary],
  ["primary", REGIONS.primary],
] as const) {
  describe(`IoT rules of the ${stack} stack`, () => {
    it("switches on every registry event type the registry replicates", async () => {
      const [events] = ofType(
        await ownStack(stack),
        "aws:iot/eventConfigurations:EventConfigurations",
      );
      assert.equal(events.region, region);
      const enabled = events.revealedInputs.eventConfigurations as Record<string, boolean>;
      for (const type of REGISTRY_EVENT_TYPES) assert.equal(enabled[type], true, type);
      assert.deepEqual(REGISTRY_EVENT_TYPES.slice().sort(), [
        "THING",
        "THING_GROUP",
        "THING_GROUP_HIERARCHY",
        "THING_GROUP_MEMBERSHIP",
        "THING_TYPE",
        "THING_TYPE_ASSOCIATION",
      ]);
    });

    it("sends registry events and accepted shadow updates to capture, with topic and time", async () => {
      const report = await ownStack(stack);
      const capture = named(report, "iot-plane-capture-fn", "aws:lambda/function:Function");
      const rules = ofType(report, RULE);
      for (const [name, parts] of Object.entries(CAPTURE_TOPICS)) {
        const rule = rules.find((r) => r.revealedInputs.name === name);
        assert.ok(rule, `no rule ${name}`);
        const sql = String(rule.revealedInputs.sql);
        assert.equal(rule.revealedInputs.sqlVersion, "2016-03-23");
        assert.match(sql, /topic\(\) AS topic/);
        assert.match(sql, /timestamp\(\) AS receivedAt/);
        // The topic filter, then nothing but the WHERE that drops the platform's own objects
        // (what it drops is tested in captureRules.test.ts).
        const [selectFrom, where] = sql.split(" WHERE ");
        assert.ok(selectFrom.endsWith(`FROM '${parts[0]}'`), sql);
        assert.match(
          where,
          /^NOT startswith\(topic\(\d\), '[\w-]+'\)( AND NOT startswith\(topic\(\d\), '[\w-]+'\))*$/,
        );
        for (const part of parts.slice(1)) assert.ok(sql.includes(part), `${name}: ${part}`);
        assert.deepEqual(rule.revealedInputs.lambdas, [{ functionArn: capture.revealedState.arn }]);
      }
    });

    it("gives every rule an error action to the encrypted dead-letter queue", async () => {
      const report = await ownStack(stack);
      const dlq = named(report, "iot-plane-iot-events-dlq-queue");
      assert.ok(dlq.revealedInputs.kmsMasterKeyId, "the dead-letter queue is KMS-encrypted");
      const role = named(report, "iot-plane-iot-rules-role");
      const rules = ofType(report, RULE);
      assert.equal(
        rules.length,
        Object.keys(CAPTURE_TOPICS).length + 2,
        "capture rules + telemetry + the health probe's republish rule",
      );
      for (const rule of rules) {
        assert.deepEqual(
          rule.revealedInputs.errorAction,
          {
            sqs: {
              queueUrl: dlq.revealedState.url,
              roleArn: role.revealedState.arn,
              useBase64: false,
            },
          },
          String(rule.revealedInputs.name),
        );
      }
    });

    it("lets only each rule, in this account, invoke the capture function", async () => {
      const report = await ownStack(stack);
      const permissions = ofType(report, PERMISSION).filter(
        (p) => p.revealedInputs.principal === "iot.amazonaws.com",
      );
      const captureRules = ofType(report, RULE).filter((r) => r.revealedInputs.lambdas);
      assert.deepEqual(
        permissions.map((p) => p.revealedInputs.sourceArn).sort(),
        captureRules.map((r) => r.revealedState.arn).sort(),
      );
      for (const p of permissions) {
        assert.equal(p.revealedInputs.sourceAccount, IOT_ACCOUNT);
        assert.match(
          String(p.revealedInputs.sourceArn),
          new RegExp(`^arn:aws:iot:${region}:${IOT_ACCOUNT}:rule/iot_dr_`),
        );
      }
    });

    it("captures IoT certificate and policy calls from CloudTrail on the default bus", async () => {
      const report = await ownStack(stack);
      const rule = named(report, "iot-plane-cloudtrail-capture-rule");
      assert.equal(rule.revealedInputs.eventBusName, "default");
      const pattern = jsonOf<{
        source: string[];
        "detail-type": string[];
        detail: { eventSource: string[]; eventName: string[] };
      }>(rule.revealedInputs.eventPattern);
      assert.deepEqual(pattern.source, ["aws.iot"]);
      assert.deepEqual(pattern["detail-type"], ["AWS API Call via CloudTrail"]);
      assert.deepEqual(pattern.detail.eventSource, ["iot.amazonaws.com"]);
      assert.deepEqual(
        pattern.detail.eventName.slice().sort(),
        [
          "AttachPolicy",
          "AttachThingPrincipal",
          "CreateCertificateFromCsr",
          "CreateKeysAndCertificate",
          "CreatePolicy",
          "CreatePolicyVersion",
          "DeleteCertificate",
          "DeletePolicy",
          "DeletePolicyVersion",
          "DetachPolicy",
          "DetachThingPrincipal",
          "RegisterCertificate",
          "RegisterCertificateWithoutCA",
          "SetDefaultPolicyVersion",
          "UpdateCertificate",
          // CA certificates and provisioning templates: no registry events either.
          "CreateProvisioningTemplate",
          "CreateProvisioningTemplateVersion",
          "DeleteCACertificate",
          "DeleteProvisioningTemplate",
          "DeleteProvisioningTemplateVersion",
          "RegisterCACertificate",
          "UpdateCACertificate",
          "UpdateProvisioningTemplate",
          // Dynamic groups (their registry events carry no query) and billing groups (none).
          "CreateDynamicThingGroup",
          "UpdateDynamicThingGroup",
          "DeleteDynamicThingGroup",
          "CreateBillingGroup",
          "UpdateBillingGroup",
          "DeleteBillingGroup",
          "AddThingToBillingGroup",
          "RemoveThingFromBillingGroup",
        ].sort(),
      );
      assert.equal(CAPTURED_IOT_CALLS.length, 31);

      const target = named(report, "iot-plane-cloudtrail-capture-target");
      const dlq = named(report, "iot-plane-iot-events-dlq-queue");
      assert.equal(
        target.revealedInputs.arn,
        named(report, "iot-plane-capture-fn", "aws:lambda/function:Function").revealedState.arn,
      );
      assert.deepEqual(target.revealedInputs.deadLetterConfig, { arn: dlq.revealedState.arn });
      const retry = target.revealedInputs.retryPolicy as Record<string, number>;
      assert.ok(retry.maximumRetryAttempts > 0 && retry.maximumEventAgeInSeconds > 0);

      const queuePolicy = {
        Statement: statementsOf(named(report, "iot-plane-cloudtrail-capture-dlq-policy")),
      };
      assert.deepEqual(queuePolicy.Statement[0].Condition, {
        ArnEquals: { "aws:SourceArn": rule.revealedState.arn },
      });
    });

    it("keeps a single-region trail of write management events in an encrypted, private, versioned bucket", async () => {
      const report = await ownStack(stack);
      const trail = named(report, "iot-plane-management-trail-trail");
      assert.equal(trail.region, region);
      assert.equal(trail.revealedInputs.isMultiRegionTrail, false);
      assert.equal(trail.revealedInputs.enableLogging, true);
      assert.deepEqual(trail.revealedInputs.eventSelectors, [
        { includeManagementEvents: true, readWriteType: "WriteOnly" },
      ]);
      const key = named(report, "iot-plane-key");
      assert.equal(trail.revealedInputs.kmsKeyId, key.revealedState.arn);
      assert.deepEqual(
        named(report, "iot-plane-management-trail-logs-versioning").revealedInputs
          .versioningConfiguration,
        {
          status: "Enabled",
        },
      );
      const sse = named(report, "iot-plane-management-trail-logs-encryption").revealedInputs
        .rules as {
        applyServerSideEncryptionByDefault: Record<string, string>;
      }[];
      assert.equal(sse[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
      const block = named(report, "iot-plane-management-trail-logs-public-access").revealedInputs;
      for (const flag of [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ]) {
        assert.equal(block[flag], true, flag);
      }
      const policy = {
        Statement: statementsOf(named(report, "iot-plane-management-trail-logs-policy")),
      };
      const trailArn = trail.revealedState.arn;
      for (const s of policy.Statement.filter((x) => x.Effect === "Allow")) {
        assert.deepEqual(s.Principal, { Service: ["cloudtrail.amazonaws.com"] });
        assert.equal(s.Condition?.StringEquals["aws:SourceArn"], trailArn);
      }
    });
  });
}
