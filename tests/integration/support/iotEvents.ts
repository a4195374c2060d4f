/**
 * What AWS IoT and CloudTrail would tell the capture function about calls made in one region,
 * which moto does not emit: a tap on SDK clients that, after each call, publishes the registry
 * event or shadow message IoT would publish (through the capture rules' SQL, as planned) and, for
 * the calls the CloudTrail rule selects, the "AWS API Call via CloudTrail" event EventBridge would
 * deliver. Shapes follow AWS's documentation:
 * - registry events: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html
 * - shadow topics: https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html
 *   (update/accepted carries the accepted document with version and timestamp)
 * - CloudTrail via EventBridge: https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 *   and CloudTrail record contents (eventTime is ISO 8601 to the second):
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import { randomUUID } from "crypto";
import {
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  type IoTClient,
} from "@aws-sdk/client-iot";
import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { CAPTURE_RULES } from "../../../components/iotPlane/captureRules";
import { CAPTURED_IOT_CALLS } from "../../../core/capturedCalls";
import { parseIotRule } from "../../support/iotSql";

type Input = Record<string, unknown>;

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const decode = (bytes: unknown) =>
  JSON.parse(new TextDecoder().decode(bytes as Uint8Array)) as Record<string, unknown>;

export interface TapOptions {
  region: string;
  account: string;
  /** An untapped client of the same account and region, to read what events carry. */
  observer: IoTClient;
}

export class IotEventTap {
  private readonly rules = Object.values(CAPTURE_RULES).map((rule) =>
    // The version every capture rule declares (components/iotPlane/captureRules.ts).
    parseIotRule(rule.sql, "2016-03-23"),
  );
  private pending: unknown[] = [];
  /**
   * moto keeps a thing's version at 1 after UpdateThing; AWS increments it and registry events
   * carry it as versionNumber. The tap counts as AWS does.
   */
  private readonly thingVersions = new Map<string, number>();
  /** Messages published on topics no capture rule selects, or that a WHERE clause dropped. */
  readonly unselected: string[] = [];
  /** When set, every event is stamped with this time: calls that land in one second, for sure. */
  pinnedAt?: number;
  private now = () => this.pinnedAt ?? Date.now();

  constructor(private readonly options: TapOptions) {}

  /** Events waiting for the capture function, oldest first; the queue is emptied. */
  drain(): unknown[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Taps a client whose calls are made by `roleArn` (what CloudTrail's userIdentity names). */
  attach(client: IoTClient | IoTDataPlaneClient, roleArn: string): void {
    (client as IoTClient).middlewareStack.add(
      (next, context) => async (args) => {
        const api = (context as { commandName?: string }).commandName?.replace(/Command$/, "");
        const input = (args.input ?? {}) as Input;
        const before = api ? await this.before(api, input) : undefined;
        try {
          const result = await next(args);
          if (api) await this.after(api, input, result.output as unknown as Input, before, roleArn);
          return result;
        } catch (error) {
          // CloudTrail records failed calls too, with their error code.
          if (api) this.cloudTrail(api, roleArn, input, null, (error as Error).name);
          throw error;
        }
      },
      { step: "initialize", name: "iotEventTap" },
    );
  }

  private async before(api: string, input: Input): Promise<Input | undefined> {
    const { observer } = this.options;
    const plain = (out: object) => out as unknown as Input;
    switch (api) {
      case "DeleteThing":
        return plain(
          await observer.send(new DescribeThingCommand({ thingName: input.thingName as string })),
        );
      case "DeleteThingGroup":
        return plain(
          await observer.send(
            new DescribeThingGroupCommand({ thingGroupName: input.thingGroupName as string }),
          ),
        );
      case "DeleteThingType":
        return plain(
          await observer.send(
            new DescribeThingTypeCommand({ thingTypeName: input.thingTypeName as string }),
          ),
        );
      case "RemoveThingFromThingGroup":
        return this.membershipIds(input);
      default:
        return undefined;
    }
  }

  private async membershipIds(input: Input): Promise<Input> {
    const { observer } = this.options;
    const thing = await observer.send(
      new DescribeThingCommand({ thingName: input.thingName as string }),
    );
    const group = await observer.send(
      new DescribeThingGroupCommand({ thingGroupName: input.thingGroupName as string }),
    );
    return {
      groupArn: group.thingGroupArn,
      groupId: group.thingGroupId,
      thingArn: thing.thingArn,
      thingId: thing.thingId,
    };
  }

  private async after(
    api: string,
    input: Input,
    output: Input,
    before: Input | undefined,
    roleArn: string,
  ): Promise<void> {
    const { observer, account } = this.options;
    const base = () => ({ eventId: randomUUID(), timestamp: this.now(), accountId: account });
    switch (api) {
      case "CreateThing":
      case "UpdateThing": {
        const thingName = input.thingName as string;
        const version = api === "CreateThing" ? 1 : (this.thingVersions.get(thingName) ?? 1) + 1;
        this.thingVersions.set(thingName, version);
        const thing = await observer.send(new DescribeThingCommand({ thingName }));
        const operation = api === "CreateThing" ? "created" : "updated";
        this.publish(`$aws/events/thing/${thingName}/${operation}`, {
          eventType: "THING_EVENT",
          ...base(),
          operation: operation.toUpperCase(),
          thingId: thing.thingId,
          thingName,
          versionNumber: version,
          thingTypeName: thing.thingTypeName ?? null,
          attributes: thing.attributes ?? {},
        });
        const typeChanged =
          api === "UpdateThing" && (input.thingTypeName !== undefined || input.removeThingType);
        if (typeChanged) {
          const typeName = (input.thingTypeName as string | undefined) ?? "";
          this.publish(`$aws/events/thingTypeAssociation/thing/${thingName}/${typeName}`, {
            eventType: "THING_TYPE_ASSOCIATION_EVENT",
            ...base(),
            operation: input.removeThingType ? "REMOVED" : "ADDED",
            thingId: thing.thingId,
            thingName,
            thingTypeName: typeName,
          });
        }
        return;
      }
      case "DeleteThing": {
        const thingName = input.thingName as string;
        this.publish(`$aws/events/thing/${thingName}/deleted`, {
          eventType: "THING_EVENT",
          ...base(),
          operation: "DELETED",
          thingId: before?.thingId,
          thingName,
          versionNumber: (this.thingVersions.get(thingName) ?? 1) + 1,
          thingTypeName: before?.thingTypeName ?? null,
          attributes: before?.attributes ?? {},
        });
        this.thingVersions.delete(thingName);
        return;
      }
      case "CreateThingType":
      case "DeprecateThingType":
      case "DeleteThingType": {
        const thingTypeName = input.thingTypeName as string;
        const type =
          api === "DeleteThingType"
            ? before!
            : ((await observer.send(
                new DescribeThingTypeCommand({ thingTypeName }),
              )) as unknown as Input);
        const props = (type.thingTypeProperties ?? {}) as Input;
        const meta = (type.thingTypeMetadata ?? {}) as Input;
        const operation =
          api === "CreateThingType"
            ? "created"
            : api === "DeprecateThingType"
              ? "updated"
              : "deleted";
        this.publish(`$aws/events/thingType/${thingTypeName}/${operation}`, {
          eventType: "THING_TYPE_EVENT",
          ...base(),
          operation: operation.toUpperCase(),
          thingTypeId: type.thingTypeId,
          thingTypeName,
          isDeprecated: meta.deprecated ?? false,
          deprecationDate: null,
          searchableAttributes: props.searchableAttributes ?? [],
          description: props.thingTypeDescription ?? null,
        });
        return;
      }
      case "CreateThingGroup":
      case "UpdateThingGroup":
      case "DeleteThingGroup": {
        const thingGroupName = input.thingGroupName as string;
        const group =
          api === "DeleteThingGroup"
            ? before!
            : ((await observer.send(
                new DescribeThingGroupCommand({ thingGroupName }),
              )) as unknown as Input);
        const props = (group.thingGroupProperties ?? {}) as Input;
        const meta = (group.thingGroupMetadata ?? {}) as Input;
        const operation =
          api === "CreateThingGroup"
            ? "created"
            : api === "UpdateThingGroup"
              ? "updated"
              : "deleted";
        this.publish(`$aws/events/thingGroup/${thingGroupName}/${operation}`, {
          eventType: "THING_GROUP_EVENT",
          ...base(),
          operation: operation.toUpperCase(),
          thingGroupId: group.thingGroupId,
          thingGroupName,
          versionNumber: group.version,
          parentGroupName: meta.parentGroupName ?? null,
          parentGroupId: null,
          description: props.thingGroupDescription ?? null,
          rootToParentThingGroups: meta.rootToParentThingGroups ?? [],
          attributes: (props.attributePayload as Input | undefined)?.attributes ?? {},
          dynamicGroupMappingId: null,
        });
        return;
      }
      case "AddThingToThingGroup":
      case "RemoveThingFromThingGroup": {
        const ids = api === "AddThingToThingGroup" ? await this.membershipIds(input) : before!;
        const operation = api === "AddThingToThingGroup" ? "added" : "removed";
        this.publish(
          `$aws/events/thingGroupMembership/thingGroup/${input.thingGroupName as string}/thing/${input.thingName as string}/${operation}`,
          {
            eventType: "THING_GROUP_MEMBERSHIP_EVENT",
            ...base(),
            operation: operation.toUpperCase(),
            ...ids,
            membershipId: randomUUID(),
          },
        );
        return;
      }
      case "DeleteThingShadow": {
        // delete/accepted carries the version and time of the deletion, no state.
        const named = input.shadowName ? `/name/${input.shadowName as string}` : "";
        const doc = output.payload ? decode(output.payload) : {};
        this.publish(`$aws/things/${input.thingName as string}/shadow${named}/delete/accepted`, {
          version: doc.version,
          timestamp: Math.floor(this.now() / 1000),
        });
        return;
      }
      case "UpdateThingShadow": {
        const named = input.shadowName ? `/name/${input.shadowName as string}` : "";
        this.publish(
          `$aws/things/${input.thingName as string}/shadow${named}/update/accepted`,
          decode(output.payload),
        );
        return;
      }
      default:
        this.cloudTrail(api, roleArn, input, output);
    }
  }

  /** The MQTT message through every capture rule that selects it. */
  private publish(topic: string, payload: Input): void {
    const now = this.now();
    const selected = this.rules
      .map((rule) => rule.evaluate({ topic, payload: JSON.stringify(payload) }, now))
      .filter((out) => out !== undefined);
    if (selected.length === 0) this.unselected.push(topic);
    this.pending.push(...selected);
  }

  private cloudTrail(
    eventName: string,
    roleArn: string,
    requestParameters: Input,
    responseElements: Input | null,
    errorCode?: string,
  ): void {
    if (!CAPTURED_IOT_CALLS.includes(eventName)) return;
    const { region, account } = this.options;
    const time = isoSeconds(this.now());
    const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
    // What CloudTrail keeps of a response: never a private key.
    const response = responseElements
      ? Object.fromEntries(
          Object.entries(responseElements).filter(([k]) => k !== "keyPair" && k !== "$metadata"),
        )
      : null;
    this.pending.push({
      version: "0",
      id: randomUUID(),
      "detail-type": "AWS API Call via CloudTrail",
      source: "aws.iot",
      account,
      time,
      region,
      resources: [],
      detail: {
        eventVersion: "1.08",
        userIdentity: {
          type: "AssumedRole",
          arn: `arn:aws:sts::${account}:assumed-role/${roleName}/session`,
          accountId: account,
          sessionContext: {
            sessionIssuer: { type: "Role", arn: roleArn, accountId: account, userName: roleName },
          },
        },
        eventTime: time,
        eventSource: "iot.amazonaws.com",
        eventName,
        awsRegion: region,
        requestParameters,
        responseElements: response,
        ...(errorCode ? { errorCode, errorMessage: errorCode } : {}),
        requestID: randomUUID(),
        eventID: randomUUID(),
        readOnly: false,
        eventType: "AwsApiCall",
        managementEvent: true,
        recipientAccountId: account,
        eventCategory: "Management",
      },
    });
  }
}
