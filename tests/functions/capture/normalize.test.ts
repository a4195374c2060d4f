import { strict as assert } from "assert";
import {
  changesOfCloudTrail,
  changesOfRulePayload,
  targetOfArn,
} from "../../../functions/capture/normalize";

const ct = (
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown> = {},
) => ({
  source: "aws.iot",
  "detail-type": "AWS API Call via CloudTrail",
  detail: { eventName, eventTime: "2026-11-26T04:00:00Z", requestParameters, responseElements },
});

describe("capture normalization", () => {
  it("reads membership, hierarchy and type association topics into keys of names, never ARNs", () => {
    const at = { receivedAt: 5, timestamp: 4 };
    assert.deepEqual(
      changesOfRulePayload({
        topic: "$aws/events/thingGroupMembership/thingGroup/fleet/thing/dev-1/removed",
        ...at,
      }),
      [{ key: "membership#fleet|dev-1", kind: "membership", version: 4, desired: null }],
    );
    assert.deepEqual(
      changesOfRulePayload({
        topic: "$aws/events/thingGroupHierarchy/thingGroup/root/childThingGroup/fleet/added",
        ...at,
      })[0].lookup,
      {
        type: "thingGroup",
        thingGroupName: "fleet",
      },
    );
    assert.deepEqual(
      changesOfRulePayload({
        topic: "$aws/events/thingTypeAssociation/thing/dev-1/sensor",
        ...at,
      })[0].lookup,
      {
        type: "thing",
        thingName: "dev-1",
      },
    );
  });

  it("reads classic and named shadow topics, and looks the full shadow up", () => {
    const named = changesOfRulePayload({
      topic: "$aws/things/dev-1/shadow/name/config/update/accepted",
      receivedAt: 9,
      version: 3,
    });
    assert.deepEqual(named, [
      {
        key: "shadow#dev-1|config",
        kind: "shadow",
        version: 9,
        sourceVersion: 3,
        lookup: { type: "shadow", thingName: "dev-1", shadowName: "config" },
      },
    ]);
    assert.equal(
      changesOfRulePayload({ topic: "$aws/things/dev-1/shadow/update/accepted", receivedAt: 9 })[0]
        .key,
      "shadow#dev-1|$classic",
    );
  });

  it("reads a deleted shadow as a tombstone ordered by time, not by the deleted document's version", () => {
    assert.deepEqual(
      changesOfRulePayload({
        topic: "$aws/things/dev-1/shadow/name/config/delete/accepted",
        receivedAt: 12,
        version: 3,
        timestamp: 1,
      }),
      [{ key: "shadow#dev-1|config", kind: "shadow", version: 12, desired: null }],
    );
  });

  it("takes the PEM from RegisterCertificateWithoutCA and looks it up for CreateKeysAndCertificate", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----";
    assert.deepEqual(
      changesOfCloudTrail(
        ct(
          "RegisterCertificateWithoutCA",
          { certificatePem: pem, status: "ACTIVE" },
          { certificateId: "c1" },
        ),
      )[0].desired,
      {
        certificateId: "c1",
        certificatePem: pem,
        status: "ACTIVE",
      },
    );
    assert.deepEqual(
      changesOfCloudTrail(
        ct("CreateKeysAndCertificate", { setAsActive: true }, { certificateId: "c2" }),
      )[0].lookup,
      {
        type: "certificate",
        certificateId: "c2",
      },
    );
  });

  it("turns principal ARNs into region-neutral targets and ignores non-IoT principals", () => {
    assert.deepEqual(targetOfArn("arn:aws:iot:us-east-1:1:thinggroup/fleet"), {
      type: "thinggroup",
      id: "fleet",
    });
    assert.deepEqual(
      changesOfCloudTrail(
        ct("DetachThingPrincipal", {
          thingName: "dev-1",
          principal: "arn:aws:iot:us-east-1:1:cert/c1",
        }),
      ),
      [
        {
          key: "principalAttachment#dev-1|cert/c1",
          kind: "principalAttachment",
          version: Date.parse("2026-11-26T04:00:00Z"),
          desired: null,
        },
      ],
    );
    assert.deepEqual(
      changesOfCloudTrail(ct("AttachPolicy", { policyName: "p", target: "us-east-1:identity-id" })),
      [],
    );
  });

  it("ignores failed calls", () => {
    const failed = ct("DeletePolicy", { policyName: "p" });
    (failed.detail as { errorCode?: string }).errorCode = "AccessDenied";
    assert.deepEqual(changesOfCloudTrail(failed), []);
  });

  it("refuses an unknown topic, saying what it expected", () => {
    assert.throws(
      () => changesOfRulePayload({ topic: "devices/dev-1/data", receivedAt: 1 }),
      /expected a \$aws\/events\/\.\.\. or \$aws\/things/,
    );
  });
});
