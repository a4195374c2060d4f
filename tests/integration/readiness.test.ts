/**
 * The standby readiness check against two regions of moto: a small fleet built alike in both, then
 * drift injected in one kind at a time (a missing thing, a detached policy, a changed setting),
 * each of which the check must report; equal regions report ready.
 */
import { strict as assert } from "assert";
import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  CreateTopicRuleCommand,
  DeleteThingCommand,
  DetachPolicyCommand,
  IoTClient,
  ListCertificatesCommand,
  RegisterCertificateWithoutCACommand,
  UpdateIndexingConfigurationCommand,
} from "@aws-sdk/client-iot";
import { IoTDataPlaneClient, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { SAMPLED } from "../../core/readiness";
import { checkReadiness } from "../../functions/readiness/check";
import type { ReadinessReport } from "../../functions/readiness/compare";
import { sdkReadinessIot } from "../../functions/readiness/iot";
import { registryCounts } from "../../functions/readiness/registry";
import { NAMES } from "../../core/names";
import { clientConfig, motoServer, resetMoto, type MotoServer } from "../support/moto";
import { answerUnimplementedReads, type BridgedSettings } from "./support/readinessBridge";

const PRIMARY = "eu-west-1";
const SECONDARY = "eu-central-1";
const ACCOUNT = "123456789012";
const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "iot:Connect", Resource: "*" }],
});

interface Region {
  name: string;
  iot: IoTClient;
  data: IoTDataPlaneClient;
  documents: DynamoDBDocumentClient;
  settings: BridgedSettings;
}

function regionOf(server: MotoServer, name: string): Region {
  const config = clientConfig(server, name);
  const iot = new IoTClient(config);
  const settings: BridgedSettings = {
    eventConfigurations: { THING: { Enabled: true }, THING_GROUP: { Enabled: true } },
    logging: {
      defaultLogLevel: "WARN",
      disableAllLogs: false,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/iot-logging`,
    },
  };
  answerUnimplementedReads(iot, settings);
  return {
    name,
    iot,
    data: new IoTDataPlaneClient(config),
    documents: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    settings,
  };
}

/** The fleet, built alike in a region, and what the registry table holds for it. */
async function buildFleet(region: Region, certificatePem: string | undefined): Promise<string> {
  const { iot } = region;
  await region.documents.send(
    new CreateTableCommand({
      TableName: NAMES.registryTable,
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  const registered = async (pk: string, kind: string) =>
    region.documents.send(
      new PutCommand({
        TableName: NAMES.registryTable,
        Item: { pk, kind, deleted: false, version: 1, sourceRegion: PRIMARY },
      }),
    );
  await iot.send(new CreateThingTypeCommand({ thingTypeName: "sensor" }));
  await registered("thingType#sensor", "thingType");
  await iot.send(new CreateThingGroupCommand({ thingGroupName: "plant-7" }));
  await registered("thingGroup#plant-7", "thingGroup");
  await iot.send(new CreatePolicyCommand({ policyName: "fleet", policyDocument: POLICY }));
  await registered("policy#fleet", "policy");
  for (const thing of ["sensor-1", "sensor-2", "sensor-3"]) {
    await iot.send(
      new CreateThingCommand({
        thingName: thing,
        thingTypeName: "sensor",
        attributePayload: { attributes: { line: "a" } },
      }),
    );
    await registered(`thing#${thing}`, "thing");
  }
  await iot.send(
    new AddThingToThingGroupCommand({ thingGroupName: "plant-7", thingName: "sensor-1" }),
  );
  // The same certificate in both regions (same id), as the reconciler registers it.
  let certificateArn: string;
  if (certificatePem === undefined) {
    const created = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    certificateArn = created.certificateArn!;
    certificatePem = created.certificatePem!;
  } else {
    const registeredCert = await iot.send(
      new RegisterCertificateWithoutCACommand({ certificatePem, status: "ACTIVE" }),
    );
    certificateArn = registeredCert.certificateArn!;
  }
  await iot.send(
    new AttachThingPrincipalCommand({ thingName: "sensor-1", principal: certificateArn }),
  );
  await iot.send(new AttachPolicyCommand({ policyName: "fleet", target: certificateArn }));
  await region.data.send(
    new UpdateThingShadowCommand({
      thingName: "sensor-1",
      payload: new TextEncoder().encode(JSON.stringify({ state: { desired: { rate: 5 } } })),
    }),
  );
  await iot.send(
    new CreateTopicRuleCommand({
      ruleName: "iot_dr_telemetry",
      topicRulePayload: {
        sql: "SELECT * FROM 'dt/#'",
        actions: [
          {
            lambda: { functionArn: `arn:aws:lambda:${region.name}:${ACCOUNT}:function:forwarder` },
          },
        ],
        ruleDisabled: false,
      },
    }),
  );
  // Reserved objects (the health probe's) differ per region and are never compared.
  await iot.send(new CreateThingCommand({ thingName: `${NAMES.probeThing}` }));
  return certificatePem;
}

describe("standby readiness check against moto (two regions)", function () {
  this.timeout(60_000);
  let server: MotoServer;
  let primary: Region;
  let secondary: Region;

  // One fleet for the whole file (the tests run in order): built once, checked equal, then drifted.
  before(async function () {
    this.timeout(90_000);
    server = await motoServer();
    await resetMoto(server);
    primary = regionOf(server, PRIMARY);
    secondary = regionOf(server, SECONDARY);
    const pem = await buildFleet(primary, undefined);
    await buildFleet(secondary, pem);
  });

  const check = (local: Region, peer: Region): Promise<ReadinessReport> =>
    checkReadiness({
      region: local.name,
      peerRegion: peer.name,
      local: sdkReadinessIot(local.iot, local.data),
      peer: sdkReadinessIot(peer.iot, peer.data),
      registryCounts: () => registryCounts(local.documents, NAMES.registryTable),
      sampleSize: 20,
    });

  it("reports equal regions ready, from each side, having compared every kind and setting", async () => {
    for (const [local, peer] of [
      [primary, secondary],
      [secondary, primary],
    ]) {
      const report = await check(local, peer);
      assert.deepEqual(report.differences, []);
      assert.equal(report.ready, true);
      assert.deepEqual(report.compared.counts.thing, { iot: 3, peer: 3, registry: 3 });
      assert.deepEqual(report.compared.sampled, { thing: 3, thingGroup: 1, policy: 1 });
    }
    // The port reads, per sampled kind, the fields the plan says the check compares.
    const port = sdkReadinessIot(primary.iot, primary.data);
    for (const [kind, name] of [
      ["thing", "sensor-1"],
      ["thingGroup", "plant-7"],
      ["policy", "fleet"],
    ] as const) {
      assert.deepEqual(
        Object.keys((await port.sampled(kind, name))!).sort(),
        [...SAMPLED[kind]].sort(),
      );
    }
  });

  it("reports each drift in its own kind: a missing thing, a detached policy, changed settings", async () => {
    await secondary.iot.send(new DeleteThingCommand({ thingName: "sensor-3" }));
    const certs = await secondary.iot.send(new ListCertificatesCommand({}));
    await secondary.iot.send(
      new DetachPolicyCommand({
        policyName: "fleet",
        target: certs.certificates![0].certificateArn!,
      }),
    );
    await secondary.iot.send(
      new UpdateIndexingConfigurationCommand({
        thingIndexingConfiguration: { thingIndexingMode: "REGISTRY" },
      }),
    );
    secondary.settings.eventConfigurations.THING_GROUP = { Enabled: false };

    const report = await check(primary, secondary);
    assert.equal(report.ready, false);
    assert.deepEqual(Object.keys(report.drift).sort(), [
      "eventConfigurations",
      "fleetIndexing",
      "policy",
      "thing",
    ]);
    const text = report.differences.join("\n");
    assert.match(text, new RegExp(`thing sensor-3 is in ${PRIMARY}, missing in ${SECONDARY}`));
    assert.match(text, /policy#fleet differs in targets/);
    assert.match(text, /fleetIndexing differ/);
    // Seen from the secondary, its IoT also lacks what its registry table holds.
    const fromSecondary = await check(secondary, primary);
    assert.match(fromSecondary.differences.join("\n"), /thing: 2 in .*, 3 in its registry table/);
  });

  it("is not ready when it cannot read a region (fails closed)", async () => {
    const broken = { ...secondary, iot: new IoTClient(clientConfig(server, SECONDARY)) };
    // Without the bridge, moto refuses GetV2LoggingOptions: an unknown setting is not an equal one.
    const report = await check(primary, broken);
    assert.equal(report.ready, false);
    assert.deepEqual(Object.keys(report.drift), ["unreadable"]);
  });
});
