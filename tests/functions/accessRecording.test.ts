import { strict as assert } from "assert";
import * as path from "path";
import { gzipSync } from "zlib";
import { trailLogPrefix } from "../../core/capturedCalls";
import { marshall } from "@aws-sdk/util-dynamodb";
import { AccessDeclaration } from "../../functions/shared/access";
import { TemplateScope } from "../support/accessTemplates";
import { callersOf, scopeOf } from "../support/accessSimulation";
import {
  Answer,
  AwsRecorder,
  RecordedCall,
  awsError,
  defaultAnswer,
  secretValueOf,
} from "../support/awsRecorder";
import { DECLARATIONS } from "../support/declarations";
import { undeclared } from "../support/declaredCalls";
import { ownStacks } from "../support/ownStacks";
import { PlannedWorld } from "../support/plannedPolicies";
import { CALLER, CERTIFICATE_PEM, FLEET_CA_PEM, validOnboard } from "./commandControl/requests";

// Each planned instance loads the functions afresh (below); the TypeScript loader keeps what it
// transpiled (typescript-loader.js), so those loads do not transpile them again.
const FUNCTIONS = path.resolve(__dirname, "..", "..", "functions");

/** What one handler run needs: its events, the fake AWS's answers, extra environment. */
interface Scenario {
  declaration: AccessDeclaration;
  /** The events of one run, handled in order by one warm instance (a function makes it when due). */
  events: (scope: TemplateScope, world: PlannedWorld) => unknown[];
  answer?: (scope: TemplateScope, world: PlannedWorld) => Answer;
  http?: (url: string) => { status: number; body?: string };
  /** Environment on top of the plan's (e.g. a configuration option the example stacks leave off). */
  env?: Record<string, string>;
  /** Actions each instance's run must have made: the scenario reaches the calls it is meant to show. */
  expect: string[];
  /** Actions the runs of all instances together must have made (instances that differ in checks). */
  expectAcross?: string[];
  /** Checks the handler's answer (the normal path succeeded). */
  result?: (result: unknown) => void;
  /** Prepares the freshly loaded function modules before the run. */
  prepare?: (load: (module: string) => Record<string, unknown>) => void;
}

const NOW = Date.parse("2026-03-01T12:00:00Z");
const DEVICE = "sensor-0001";
const CERT_ID = "a".repeat(64);

/** An answer that falls back to the defaults (missing entities, empty lists). */
const answering =
  (specific: Record<string, (input: Record<string, unknown>) => unknown>): Answer =>
  (client, command, input) => {
    const own = specific[`${client}.${command}`] ?? specific[command];
    return own ? own(input) : defaultAnswer(client, command, input);
  };

/**
 * The reconciler's pacer spaces calls by IoT's per-API quotas times the plan's QUOTA_SHARE (a
 * fraction of a call per second for some APIs): seconds of waits, which do not change the calls
 * made, run a thousand times faster. Without it the CA and template scenario waited ~6 s.
 */
function fastPacing(load: (module: string) => Record<string, unknown>) {
  const clock = load("shared/clock").realClock as { sleep: (ms: number) => Promise<void> };
  clock.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms / 1000));
}

const streamRecord = (item: Record<string, unknown>, sequence: number) => ({
  eventName: "INSERT",
  dynamodb: {
    SequenceNumber: String(sequence),
    NewImage: marshall(item, { removeUndefinedValues: true }),
  },
});

const registryItem = (pk: string, kind: string, desired: Record<string, unknown> | null) => ({
  pk,
  kind,
  version: NOW,
  updatedAt: new Date(NOW).toISOString(),
  updatedBy: "api:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: desired === null,
  desired,
});

/** Desired state of a device and everything around it, as the registry stream carries it. */
const DEVICE_ITEMS = [
  registryItem("thingType#sensor", "thingType", {
    thingTypeName: "sensor",
    description: null,
    searchableAttributes: [],
    deprecated: false,
  }),
  registryItem("thingGroup#plant-7", "thingGroup", {
    thingGroupName: "plant-7",
    parentGroupName: null,
    description: null,
    attributes: {},
  }),
  registryItem(`thing#${DEVICE}`, "thing", {
    thingName: DEVICE,
    thingTypeName: "sensor",
    attributes: { site: "plant-7" },
  }),
  registryItem(`membership#plant-7|${DEVICE}`, "membership", {
    thingGroupName: "plant-7",
    thingName: DEVICE,
  }),
  registryItem(`certificate#${CERT_ID}`, "certificate", {
    certificateId: CERT_ID,
    certificatePem: CERTIFICATE_PEM,
    status: "ACTIVE",
  }),
  registryItem("policy#device-telemetry", "policy", {
    policyName: "device-telemetry",
    document: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
  }),
  registryItem(`policyAttachment#device-telemetry|cert/${CERT_ID}`, "policyAttachment", {
    policyName: "device-telemetry",
    target: { type: "cert", id: CERT_ID },
  }),
  registryItem(`policyAttachment#device-telemetry|thinggroup/plant-7`, "policyAttachment", {
    policyName: "device-telemetry",
    target: { type: "thinggroup", id: "plant-7" },
  }),
  registryItem(`principalAttachment#${DEVICE}|cert/${CERT_ID}`, "principalAttachment", {
    thingName: DEVICE,
    certificateId: CERT_ID,
  }),
  registryItem(`shadow#${DEVICE}|$classic`, "shadow", {
    thingName: DEVICE,
    shadowName: null,
    state: { desired: { interval: 60 } },
  }),
];

/** The same entities deleted: the reconciler reads what exists, detaches, then deletes. */
const TOMBSTONES = DEVICE_ITEMS.map((item) => ({
  ...item,
  version: NOW + 1,
  deleted: true,
  desired: null,
}));

/** A region whose IoT holds the device (for deletes and for reads of actual state). */
const existingDevice = (scope: TemplateScope): Answer => {
  const cert = `arn:${scope.partition}:iot:${scope.region}:${scope.account}:cert/${CERT_ID}`;
  return answering({
    DescribeThing: () => ({
      thingName: DEVICE,
      thingTypeName: "sensor",
      attributes: {},
      version: 1,
    }),
    DescribeThingType: () => ({
      thingTypeMetadata: { deprecated: false },
      thingTypeProperties: {},
    }),
    DescribeThingGroup: () => ({ thingGroupMetadata: {}, thingGroupProperties: {}, version: 1 }),
    DescribeCertificate: () => ({
      certificateDescription: {
        certificateId: CERT_ID,
        status: "ACTIVE",
        certificatePem: CERTIFICATE_PEM,
      },
    }),
    GetPolicy: () => ({
      policyName: "device-telemetry",
      policyDocument: "{}",
      defaultVersionId: "1",
    }),
    ListPolicyVersions: () => ({ policyVersions: [{ versionId: "1", isDefaultVersion: true }] }),
    ListThingPrincipals: () => ({ principals: [cert] }),
    ListThingGroupsForThing: () => ({ thingGroups: [{ groupName: "plant-7" }] }),
    ListAttachedPolicies: () => ({ policies: [{ policyName: "device-telemetry" }] }),
    ListPrincipalThings: () => ({ things: [DEVICE] }),
    ListTargetsForPolicy: () => ({ targets: [cert] }),
    GetThingShadow: () => ({
      payload: new TextEncoder().encode(
        JSON.stringify({ state: { reported: { on: 1 } }, version: 2 }),
      ),
    }),
  });
};

const SCENARIOS: Record<string, Scenario> = {
  "capture, for registry, shadow and CloudTrail events": {
    declaration: DECLARATIONS.capture,
    events: () => [
      {
        topic: `$aws/events/thing/${DEVICE}/created`,
        receivedAt: NOW + 500,
        eventType: "THING_EVENT",
        operation: "CREATED",
        timestamp: NOW,
        thingName: DEVICE,
        versionNumber: 1,
        thingTypeName: null,
        attributes: {},
      },
      {
        topic: `$aws/things/${DEVICE}/shadow/update/accepted`,
        receivedAt: NOW + 600,
        version: 3,
        state: { reported: { on: 1 } },
      },
      {
        source: "aws.iot",
        "detail-type": "AWS API Call via CloudTrail",
        detail: {
          eventName: "AttachThingPrincipal",
          eventTime: new Date(NOW + 700).toISOString(),
          requestParameters: { thingName: DEVICE, principal: `arn:aws:iot:x:1:cert/${CERT_ID}` },
        },
      },
      {
        source: "aws.iot",
        "detail-type": "AWS API Call via CloudTrail",
        detail: {
          eventName: "CreatePolicyVersion",
          eventTime: new Date(NOW + 800).toISOString(),
          requestParameters: { policyName: "device-telemetry" },
        },
      },
      {
        topic: "$aws/events/thingGroupHierarchy/thingGroup/plant/childThingGroup/plant-7/added",
        receivedAt: NOW + 900,
        timestamp: NOW + 900,
      },
      ...["UpdateCACertificate", "UpdateProvisioningTemplate"].map((eventName) => ({
        source: "aws.iot",
        "detail-type": "AWS API Call via CloudTrail",
        detail: {
          eventName,
          eventTime: new Date(NOW + 1000).toISOString(),
          requestParameters: { certificateId: "c".repeat(64), templateName: "fleet-a" },
        },
      })),
    ],
    answer: (scope) => existingDevice(scope),
    expect: [
      "dynamodb:PutItem",
      "iot:DescribeThing",
      "iot:DescribeCertificate",
      "iot:GetPolicy",
      "iot:DescribeThingGroup",
      "iot:GetThingShadow",
      "iot:DescribeCACertificate",
      "iot:DescribeProvisioningTemplate",
    ],
  },

  "trail replay, for a new log file of the stack's trail": {
    declaration: DECLARATIONS["trail replay"],
    events: (scope) => [
      {
        Records: [
          {
            eventSource: "aws:s3",
            eventName: "ObjectCreated:Put",
            s3: {
              bucket: { name: scope.env.TRAIL_LOG_BUCKET },
              object: { key: trailLogKey(scope) },
            },
          },
        ],
      },
    ],
    answer: (scope) => {
      const existing = existingDevice(scope);
      const record = (eventName: string, requestParameters: Record<string, unknown>) => ({
        eventSource: "iot.amazonaws.com",
        eventName,
        awsRegion: scope.region,
        eventTime: new Date(NOW).toISOString(),
        recipientAccountId: scope.account,
        requestParameters,
      });
      const file = gzipSync(
        JSON.stringify({
          Records: [
            record("AttachThingPrincipal", {
              thingName: DEVICE,
              principal: `arn:${scope.partition}:iot:${scope.region}:${scope.account}:cert/${CERT_ID}`,
            }),
            record("UpdateThing", { thingName: DEVICE }),
          ],
        }),
      );
      return (client, command, input) =>
        command === "GetObject"
          ? // The SDK's stream body, reduced to the one method the reader uses.
            { Body: { transformToByteArray: () => Promise.resolve(new Uint8Array(file)) } }
          : existing(client, command, input);
    },
    expect: ["s3:GetObject", "iot:ListThingPrincipals", "iot:DescribeThing", "dynamodb:PutItem"],
  },

  "the reconciler, converging a new device, deleting it, and sweeping": (() => {
    // The registry table and the region's IoT as each run sees them.
    const state = { table: new Map<string, unknown>(), iotHasDevice: false };
    // The echo ledger's entries the reconciler wrote stay in the table from one run to the next:
    // the deletes' run reads that the attachments IoT holds are the first run's own writes, not a
    // local attach capture has not recorded yet, which it would wait for (docs/convergence.md,
    // rule 1).
    const ledger = new Map<string, unknown>();
    const holding = (items: typeof DEVICE_ITEMS, iotHasDevice: boolean) => {
      state.table = new Map([...items.map((item) => [item.pk, item] as const), ...ledger]);
      state.iotHasDevice = iotHasDevice;
    };
    const keep = (input: Record<string, unknown>) => {
      const key = input.Key as { pk: string; writtenIn: string };
      const values = input.ExpressionAttributeValues as Record<string, unknown>;
      if (!key.pk.startsWith("echo#") || values[":d"] === undefined) return;
      const entry = { ...key, digest: values[":d"], version: values[":v"], at: values[":at"] };
      ledger.set(key.pk, entry);
      state.table.set(key.pk, entry);
    };
    return {
      declaration: DECLARATIONS.reconciler,
      events: () => [
        () => {
          holding(DEVICE_ITEMS, false);
          return { Records: DEVICE_ITEMS.map((item, i) => streamRecord(item, i + 1)) };
        },
        () => {
          holding(TOMBSTONES, true);
          return { Records: TOMBSTONES.map((item, i) => streamRecord(item, i + 100)) };
        },
        () => {
          holding(DEVICE_ITEMS, true);
          return { sweep: { segment: 0, totalSegments: 1 } };
        },
      ],
      answer: (scope: TemplateScope) => {
        const empty = answering({});
        const existing = existingDevice(scope);
        return (client: string, command: string, input: Record<string, unknown>) => {
          if (command === "Get")
            return { Item: state.table.get(String((input.Key as { pk: string }).pk)) };
          if (command === "Query" && !input.IndexName) return { Items: rowsOf(state.table, input) };
          if (command === "Scan") return { Items: [...state.table.values()] };
          if (command === "ListThings") return { things: [{ thingName: "local-only" }] };
          if (command === "Update") keep(input);
          return (state.iotHasDevice ? existing : empty)(client, command, input);
        };
      },
      prepare: fastPacing,
      expect: [
        "iot:CreateThing",
        "iot:DeleteThing",
        "iot:AttachPolicy",
        "iot:DetachThingPrincipal",
        "iot:UpdateThingShadow",
        "dynamodb:Scan",
        "iot:ListThings",
        "dynamodb:PutItem",
      ],
    };
  })(),

  "the reconciler, converging and deleting a CA, a CA-signed certificate and a template": (() => {
    const CA_ID = "c".repeat(64);
    const ROLE = "arn:aws:iam::111111111111:role/iot-dr/provisioning/fleet";
    const fleet = [
      registryItem(`caCertificate#${CA_ID}`, "caCertificate", {
        caCertificateId: CA_ID,
        caCertificatePem: CERTIFICATE_PEM,
        status: "ACTIVE",
        autoRegistrationStatus: "ENABLE",
        registrationConfig: { templateBody: "{}", roleArn: ROLE },
      }),
      registryItem(`certificate#${CERT_ID}`, "certificate", {
        certificateId: CERT_ID,
        certificatePem: CERTIFICATE_PEM,
        status: "ACTIVE",
        caCertificateId: CA_ID,
      }),
      registryItem("provisioningTemplate#fleet-a", "provisioningTemplate", {
        templateName: "fleet-a",
        description: null,
        templateBody: "{}",
        enabled: true,
        provisioningRoleArn: ROLE,
        type: "FLEET_PROVISIONING",
        preProvisioningHook: null,
      }),
    ];
    const gone = fleet.map((item) => ({ ...item, version: NOW + 1, deleted: true, desired: null }));
    const state = { table: new Map<string, unknown>(), exists: false };
    const existing = answering({
      DescribeCACertificate: () => ({
        certificateDescription: { certificateId: CA_ID, status: "ACTIVE" },
      }),
      DescribeCertificate: () => ({
        certificateDescription: { certificateId: CERT_ID, status: "INACTIVE" },
      }),
      DescribeProvisioningTemplate: () => ({
        templateName: "fleet-a",
        templateBody: '{"old":1}',
        defaultVersionId: 2,
        enabled: false,
        provisioningRoleArn: ROLE,
        type: "FLEET_PROVISIONING",
      }),
      ListProvisioningTemplateVersions: () => ({
        versions: [
          { versionId: 1, isDefaultVersion: false },
          { versionId: 2, isDefaultVersion: true },
        ],
      }),
    });
    return {
      declaration: DECLARATIONS.reconciler,
      events: () => [
        () => {
          state.table = new Map(fleet.map((item) => [item.pk, item]));
          state.exists = false;
          return { Records: fleet.map((item, i) => streamRecord(item, i + 1)) };
        },
        () => {
          state.table = new Map(fleet.map((item) => [item.pk, { ...item, version: NOW + 2 }]));
          state.exists = true;
          return {
            Records: fleet.map((item, i) => streamRecord({ ...item, version: NOW + 2 }, i + 50)),
          };
        },
        () => {
          state.table = new Map(gone.map((item) => [item.pk, item]));
          state.exists = true;
          return { Records: gone.map((item, i) => streamRecord(item, i + 100)) };
        },
      ],
      answer: () => (client: string, command: string, input: Record<string, unknown>) => {
        if (command === "Get")
          return { Item: state.table.get(String((input.Key as { pk: string }).pk)) };
        if (command === "Query" && !input.IndexName) return { Items: rowsOf(state.table, input) };
        return (state.exists ? existing : answering({}))(client, command, input);
      },
      prepare: fastPacing,
      expect: [
        "iot:RegisterCACertificate",
        "iot:RegisterCertificate",
        "iot:CreateProvisioningTemplate",
        "iot:DescribeCACertificate",
        "iot:UpdateProvisioningTemplate",
        "iot:CreateProvisioningTemplateVersion",
        "iot:DeleteProvisioningTemplateVersion",
        "iot:UpdateCACertificate",
        "iot:DeleteCACertificate",
        "iot:DeleteProvisioningTemplate",
      ],
    };
  })(),

  "the command & control API, onboarding, reading and suspending a device": {
    declaration: DECLARATIONS["command & control API"],
    events: () => {
      const request = (httpMethod: string, resource: string, body?: unknown) => ({
        httpMethod,
        resource,
        pathParameters: { name: DEVICE },
        body: body === undefined ? null : JSON.stringify(body),
        isBase64Encoded: false,
        requestContext: { requestId: "r-1", identity: { userArn: CALLER.userArn } },
      });
      return [
        request("POST", "/devices", validOnboard()),
        request("GET", "/devices/{name}"),
        request("POST", "/devices/{name}/suspend"),
      ];
    },
    answer: (scope) => {
      let onboarded = false;
      const thing = registryItem(`thing#${DEVICE}`, "thing", {
        thingName: DEVICE,
        thingTypeName: null,
        attributes: {},
        groups: [],
        certificateIds: [CERT_ID],
        policyName: "device-telemetry",
        suspended: false,
      });
      const cert = registryItem(`certificate#${CERT_ID}`, "certificate", {
        certificateId: CERT_ID,
        certificatePem: CERTIFICATE_PEM,
        status: "ACTIVE",
      });
      const existing = existingDevice(scope);
      return (client, command, input) => {
        if (command === "TransactWrite") {
          onboarded = true;
          return {};
        }
        if (command === "Query") {
          const pk = (input.ExpressionAttributeValues as { ":pk": string })[":pk"];
          if (pk === thing.pk) return { Items: onboarded ? [thing] : [] };
          return { Items: pk === cert.pk ? [cert] : [] };
        }
        if (command === "DescribeCACertificate") {
          return { certificateDescription: { certificatePem: FLEET_CA_PEM, status: "ACTIVE" } };
        }
        return existing(client, command, input);
      };
    },
    expect: [
      "secretsmanager:GetSecretValue",
      "sts:AssumeRole",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "iot:DescribeCACertificate",
      "iot:DescribeThing",
      "iot:DescribeCertificate",
    ],
    result: (result) =>
      assert.ok((result as { statusCode: number }).statusCode < 300, JSON.stringify(result)),
  },

  "every health handler, answering healthy": {
    declaration: DECLARATIONS["health handlers"],
    events: () => [undefined],
    answer: (scope) =>
      answering({
        GetSecretValue: (input) =>
          input.SecretId === scope.env.PROBE_SECRET_ID
            ? { SecretString: JSON.stringify({ certificatePem: "PEM", privateKey: "KEY" }) }
            : { SecretString: secretValueOf(String(input.SecretId)) },
        DescribeTable: () => ({ Table: { TableStatus: "ACTIVE" } }),
        DescribeEventBus: () => ({ Name: scope.env.TELEMETRY_BUS }),
        DescribeStreamSummary: () => ({ StreamDescriptionSummary: { StreamStatus: "ACTIVE" } }),
      }),
    http: () => ({ status: 204 }),
    expect: [],
    // kms:Decrypt is made by Secrets Manager, not recorded here: the simulation covers it.
    expectAcross: [
      "secretsmanager:GetSecretValue",
      "iot:Connect",
      "iot:Publish",
      "dynamodb:DescribeTable",
      "lambda:InvokeFunction",
      "sts:AssumeRole",
      "events:DescribeEventBus",
      "kinesis:DescribeStreamSummary",
    ],
    result: (result) => {
      const { statusCode, body } = result as { statusCode: number; body: string };
      assert.equal(statusCode, 200, body);
    },
  },

  "the readiness check, comparing both regions and the registry": {
    declaration: DECLARATIONS["readiness check"],
    events: () => [undefined],
    answer: () => readinessAnswer,
    expect: [
      "dynamodb:Scan",
      "iot:ListThings",
      "iot:DescribeThing",
      "iot:ListNamedShadowsForThing",
      "iot:GetThingShadow",
      "iot:DescribeThingGroup",
      "iot:ListTargetsForPolicy",
      "iot:GetV2LoggingOptions",
      "iot:DescribeDomainConfiguration",
      "iot:DescribeAuthorizer",
      "iot:GetTopicRule",
      "iot:DescribeCACertificate",
      "iot:DescribeProvisioningTemplate",
    ],
  },

  "the health aggregator, over a minute of rounds": {
    declaration: DECLARATIONS.aggregator,
    events: () => [undefined],
    http: () => ({ status: 200, body: JSON.stringify({ status: "healthy", failing: [] }) }),
    expect: ["execute-api:Invoke", "cloudwatch:PutMetricData"],
    // A minute of rounds, a thousand times faster.
    prepare: (load) => {
      const clock = load("aggregator/ports").SYSTEM_CLOCK as {
        sleep: (ms: number) => Promise<void>;
      };
      clock.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms / 1000));
    },
  },

  "the application service, putting and getting a document": {
    declaration: DECLARATIONS.application,
    events: () => [
      { action: "put", key: "reports/today.json", body: "{}" },
      { action: "get", key: "reports/today.json" },
    ],
    answer: (scope, world) =>
      answering({
        GetParameter: (input) => ({
          Parameter: { Value: world.ssmParameter(String(input.Name), scope.account, scope.region) },
        }),
        PutObject: () => ({ VersionId: "v1" }),
        GetObject: () => ({ Body: { transformToString: () => Promise.resolve("{}") } }),
      }),
    expect: ["ssm:GetParameter", "s3:PutObject", "s3:GetObject", "dynamodb:PutItem"],
  },

  "the telemetry forwarder, forwarding a batch": {
    declaration: DECLARATIONS.forwarder,
    events: () => [
      {
        Records: [
          {
            messageId: "m-1",
            body: JSON.stringify({
              topic: "dt/plant-7/sensor-0001",
              clientId: DEVICE,
              receivedAt: NOW,
              t: 21,
            }),
          },
        ],
      },
    ],
    answer: () =>
      answering({
        GetParameter: () => ({ Parameter: { Value: "abcde.xyz" } }),
        PutEvents: (input) => ({
          FailedEntryCount: 0,
          Entries: (input.Entries as unknown[]).map((_, i) => ({ EventId: `e-${i}` })),
        }),
      }),
    expect: ["ssm:GetParameter", "events:PutEvents"],
    result: (result) => assert.deepEqual(result, { batchItemFailures: [] }),
  },

  "the reconnect function, on a fail-over alarm": {
    declaration: DECLARATIONS.reconnect,
    prepare: routeAnswered,
    events: () => [alarm("ALARM", "OK")],
    answer: (scope) => reconnectAnswer(scope),
    expect: ["iot:DescribeEndpoint", "iot:Publish"],
  },

  "the reconnect function, displacing sessions when configured to": {
    declaration: DECLARATIONS.reconnect,
    env: { DISPLACE_SESSIONS: "true" },
    prepare: routeAnswered,
    events: () => [alarm("ALARM", "OK"), alarm("OK", "ALARM")],
    answer: (scope) => reconnectAnswer(scope),
    expect: ["iot:Publish", "iot:SearchIndex", "iot:DeleteConnection"],
  },

  "the probe certificate issuer, invoked by an update that retires the old certificate": {
    declaration: DECLARATIONS["probe certificate issuer"],
    // The event Pulumi's Invocation sends (lifecycle CRUD adds `tf`), from the planned input.
    events: (scope) => [{ ...scope.event, tf: { action: "update" } }],
    answer: (scope) => probeIssuerAnswer(scope),
    expect: [
      "iot:CreateKeysAndCertificate",
      "iot:AttachPolicy",
      "iot:AttachThingPrincipal",
      "secretsmanager:PutSecretValue",
      "iot:ListThingPrincipals",
      "iot:DetachThingPrincipal",
      "iot:DetachPolicy",
      "iot:UpdateCertificate",
      "iot:DeleteCertificate",
    ],
  },
};

/**
 * Route 53 already answers the region the instruction points to. The function asks the zone's
 * name servers over DNS, not an AWS API, so nothing is recorded there; the contract test
 * (tests/contracts/reconnect.test.ts) runs that wait against a DNS stand-in.
 */
function routeAnswered(load: (module: string) => Record<string, unknown>): void {
  const { Route53Answer } = load("reconnect/route53Answer") as {
    Route53Answer: { prototype: { answers: (towards: string) => Promise<boolean> } };
  };
  Route53Answer.prototype.answers = () => Promise.resolve(true);
}

function probeIssuerAnswer(scope: TemplateScope): Answer {
  const cert = (id: string) => `arn:aws:iot:${scope.region}:${scope.account}:cert/${id}`;
  return (client, command, input) => {
    if (command === "CreateKeysAndCertificate") {
      return {
        certificateArn: cert(CERT_ID),
        certificateId: CERT_ID,
        certificatePem: "-----BEGIN CERTIFICATE-----",
        keyPair: { PrivateKey: "-----BEGIN RSA PRIVATE KEY-----" },
      };
    }
    if (command === "ListThingPrincipals")
      return { principals: [cert(CERT_ID), cert("b".repeat(64))] };
    return defaultAnswer(client, command, input);
  };
}

/** One object of every kind the readiness check lists, and their descriptions. */
const readinessAnswer = answering({
  ListThings: () => ({ things: [{ thingName: DEVICE }] }),
  ListThingGroups: () => ({ thingGroups: [{ groupName: "plant-7" }] }),
  ListPolicies: () => ({ policies: [{ policyName: "fleet" }] }),
  ListDomainConfigurations: () => ({
    domainConfigurations: [{ domainConfigurationName: "iot-dr-devices" }],
  }),
  ListAuthorizers: () => ({ authorizers: [{ authorizerName: "fleet-auth" }] }),
  ListTopicRules: () => ({ rules: [{ ruleName: "iot_dr_telemetry" }] }),
  ListCACertificates: () => ({ certificates: [{ certificateId: CERT_ID }] }),
  ListProvisioningTemplates: () => ({ templates: [{ templateName: "fleet" }] }),
  DescribeThing: (input) => ({ thingName: input.thingName }),
  DescribeThingGroup: (input) => ({ thingGroupName: input.thingGroupName }),
  GetPolicy: () => ({ policyDocument: "{}" }),
  DescribeEventConfigurations: () => ({ eventConfigurations: {} }),
  GetV2LoggingOptions: () => ({ defaultLogLevel: "WARN" }),
  GetIndexingConfiguration: () => ({}),
  DescribeDomainConfiguration: (input) => ({
    domainConfigurationName: input.domainConfigurationName,
  }),
  DescribeAuthorizer: (input) => ({
    authorizerDescription: { authorizerName: input.authorizerName },
  }),
  GetTopicRule: (input) => ({ rule: { ruleName: input.ruleName } }),
  DescribeCACertificate: () => ({ certificateDescription: { status: "ACTIVE" } }),
  DescribeProvisioningTemplate: (input) => ({ templateName: input.templateName }),
});

function alarm(NewStateValue: string, OldStateValue: string) {
  const message = { AlarmName: "iot-dr-primary", NewStateValue, OldStateValue };
  return { Records: [{ Sns: { Message: JSON.stringify(message) } }] };
}

function reconnectAnswer(scope: TemplateScope): Answer {
  return (client, command, input) => {
    if (command === "DescribeEndpoint") {
      return { endpointAddress: `a1b2c3-ats.iot.${scope.region}.amazonaws.com` };
    }
    if (command === "SearchIndex") return { things: [{ thingName: DEVICE }] };
    return defaultAnswer(client, command, input);
  };
}

/** Runs a handler once per planned instance, with that instance's environment, and records its calls. */
async function run(
  world: PlannedWorld,
  scenario: Scenario,
): Promise<{ name: string; scope: TemplateScope; calls: RecordedCall[] }[]> {
  const out = [];
  for (const caller of callersOf(world, scenario.declaration)) {
    const fn = caller.fn!;
    const env = { ...caller.env, ...scenario.env };
    const scope = { ...scopeOf(world, caller), env };
    const saved = { ...process.env };
    Object.assign(process.env, env, {
      AWS_REGION: fn.region,
      AWS_ACCESS_KEY_ID: "OWN-ROLE",
      AWS_SECRET_ACCESS_KEY: "secret",
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    const recorder = new AwsRecorder(
      { account: fn.account, region: fn.region, partition: fn.partition, dnsSuffix: fn.dnsSuffix },
      scenario.answer?.(scope, world) ?? defaultAnswer,
      scenario.http,
    ).start();
    try {
      // Handlers read their environment when loaded: load them afresh for each instance.
      for (const file of Object.keys(require.cache)) {
        if (file.startsWith(FUNCTIONS + path.sep)) delete require.cache[file];
      }
      const load = (module: string): Record<string, unknown> =>
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(FUNCTIONS, module)) as Record<string, unknown>;
      recorder.interceptMqtt(load("health/ports/mqtt").MqttRoundTrip as never);
      scenario.prepare?.(load);
      const { handler } = load(`${fn.code}/handler`) as {
        handler: (event: unknown, context: unknown) => Promise<unknown>;
      };
      for (const due of scenario.events(scope, world)) {
        const event = typeof due === "function" ? (due as () => unknown)() : due;
        const result = await handler(event, { invokedFunctionArn: fn.arn, awsRequestId: "req-1" });
        scenario.result?.(result);
      }
      const calls = await recorder.calls();
      out.push({ name: `${fn.resource.name} (${fn.stack}, ${fn.account})`, scope, calls });
    } finally {
      recorder.stop();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }
  return out;
}

/** A log file's key as the stack's trail writes it (core/capturedCalls.ts). */
function trailLogKey(scope: TemplateScope): string {
  const file = `${scope.account}_CloudTrail_${scope.region}_20260301T1205Z_AbCdEfGh12345678.json.gz`;
  return `${trailLogPrefix(scope.account, scope.region)}2026/03/01/${file}`;
}

/** A key's rows, as a Query on the registry table's partition key answers (one row per key here). */
function rowsOf(table: Map<string, unknown>, input: Record<string, unknown>): unknown[] {
  const pk = (input.ExpressionAttributeValues as { ":pk": string })[":pk"];
  const row = table.get(pk);
  return row ? [row] : [];
}

describe("every AWS call a handler makes is declared in its access.ts", () => {
  let world: PlannedWorld;
  before(async function () {
    // Planning both stacks takes a while on a busy machine; every test here shares the one plan.
    this.timeout(300_000);
    world = new PlannedWorld(await ownStacks());
  });

  for (const [title, scenario] of Object.entries(SCENARIOS)) {
    it(`records only declared calls of ${title}`, async () => {
      const runs = await run(world, scenario);
      assert.ok(runs.length > 0, "the plan has instances of the function");
      for (const { name, scope, calls } of runs) {
        assert.deepEqual(
          undeclared(calls, scenario.declaration, scope, secretValueOf),
          [],
          `${name} made calls its access.ts does not declare`,
        );
        const made = new Set(calls.map((c) => c.action));
        for (const action of scenario.expect)
          assert.ok(made.has(action), `${name} made no ${action}`);
      }
      const made = new Set(runs.flatMap((r) => r.calls.map((c) => c.action)));
      for (const action of scenario.expectAcross ?? [])
        assert.ok(made.has(action), `no run made ${action}`);
    });
  }

  it("names each SDK call by the IAM action and resource AWS authorizes it as", async () => {
    const place = {
      account: "222222222222",
      region: "eu-west-1",
      partition: "aws",
      dnsSuffix: "amazonaws.com",
    };
    const recorder = new AwsRecorder(place, defaultAnswer).start();
    try {
      const { IoTDataPlaneClient, GetThingShadowCommand } =
        await import("@aws-sdk/client-iot-data-plane");
      const { IoTClient, AttachThingPrincipalCommand } = await import("@aws-sdk/client-iot");
      const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
      const { DynamoDBDocumentClient, TransactWriteCommand } =
        await import("@aws-sdk/lib-dynamodb");
      const { SecretsManagerClient, GetSecretValueCommand } =
        await import("@aws-sdk/client-secrets-manager");
      const config = {
        region: "eu-west-1",
        credentials: { accessKeyId: "A", secretAccessKey: "S" },
      };
      await new IoTDataPlaneClient(config)
        .send(new GetThingShadowCommand({ thingName: DEVICE }))
        .catch(() => undefined);
      await new IoTClient(config).send(
        new AttachThingPrincipalCommand({
          thingName: DEVICE,
          principal: `arn:aws:iot:eu-west-1:222222222222:cert/${CERT_ID}`,
        }),
      );
      await DynamoDBDocumentClient.from(new DynamoDBClient(config)).send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: "t", Item: { pk: "a" } } },
            { ConditionCheck: { TableName: "t", Key: { pk: "b" }, ConditionExpression: "x" } },
          ],
        }),
      );
      await new SecretsManagerClient(config).send(new GetSecretValueCommand({ SecretId: "s/n" }));
      const calls = await recorder.calls();
      assert.deepEqual(
        calls.map((c) => [c.action, c.resource]),
        [
          ["iot:GetThingShadow", `arn:aws:iot:eu-west-1:222222222222:thing/${DEVICE}`],
          // AWS authorizes it on the certificate, not on the thing.
          ["iot:AttachThingPrincipal", `arn:aws:iot:eu-west-1:222222222222:cert/${CERT_ID}`],
          ["dynamodb:PutItem", "arn:aws:dynamodb:eu-west-1:222222222222:table/t"],
          ["dynamodb:ConditionCheckItem", "arn:aws:dynamodb:eu-west-1:222222222222:table/t"],
          [
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:eu-west-1:222222222222:secret:s/n-??????",
          ],
        ],
      );
    } finally {
      recorder.stop();
    }
  });

  it("fails a call no declaration lists", async () => {
    const { scope } = (
      await run(world, SCENARIOS["the telemetry forwarder, forwarding a batch"])
    )[0];
    const stray: RecordedCall = {
      call: "IoTClient.DeleteThing",
      via: "sdk",
      action: "iot:DeleteThing",
      resource: `arn:aws:iot:${scope.region}:${scope.account}:thing/${DEVICE}`,
      region: scope.region,
      principal: "own",
      context: {},
    };
    assert.equal(undeclared([stray], DECLARATIONS.forwarder, scope, secretValueOf).length, 1);
  });

  it("records the calls of a throwing SDK client too, and as the assumed role they were made with", async () => {
    const answer: Answer = (client, command, input) => {
      if (command === "DescribeThing") throw awsError("ThrottlingException");
      return defaultAnswer(client, command, input);
    };
    const runs = await run(world, {
      ...SCENARIOS["the command & control API, onboarding, reading and suspending a device"],
      answer: (scope) => {
        const normal = SCENARIOS[
          "the command & control API, onboarding, reading and suspending a device"
        ].answer!(scope, world);
        return (client, command, input) =>
          command === "DescribeThing"
            ? answer(client, command, input)
            : normal(client, command, input);
      },
      result: undefined,
    });
    const describe = runs[0].calls.filter((c) => c.action === "iot:DescribeThing");
    assert.ok(describe.length > 0);
    for (const call of describe)
      assert.match(call.principal, /:role\/iot-dr-command-control-access$/);
  });
});
