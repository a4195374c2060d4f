import * as pulumi from "@pulumi/pulumi";

/**
 * The one scheme of the library's component types: `iot-dr:<area>:<Type>`, the package's name, a
 * lowerCamel area, a PascalCase type (docs/components.md).
 */
export const TYPE_SCHEME = /^iot-dr:[a-z][A-Za-z]*:[A-Z][A-Za-z0-9]*$/;

/**
 * Types registered under another name before the one scheme: new type to the type deployed
 * stacks hold. A resource's URN contains its type and its parents' types, so each renamed
 * component carries its former type as an alias and its children follow it (the engine combines
 * a child's aliases with its parent's: https://www.pulumi.com/docs/iac/concepts/options/aliases/).
 * An entry stays as long as a stack deployed before the rename may be updated.
 */
export const FORMER_TYPES: Readonly<Record<string, string>> = {
  "iot-dr:app:ApplicationAccessPoint": "iotdr:app:ApplicationAccessPoint",
  "iot-dr:app:ApplicationBucket": "iotdr:app:ApplicationBucket",
  "iot-dr:app:BucketReplication": "iotdr:app:BucketReplication",
  "iot-dr:app:ReplicationRole": "iotdr:app:ReplicationRole",
  "iot-dr:data:GlobalEndpoint": "iotdr:data:GlobalEndpoint",
  "iot-dr:data:TelemetryBus": "iotdr:data:TelemetryBus",
  "iot-dr:dns:FailoverRecords": "iotdr:dns:FailoverRecords",
  "iot-dr:health:DeviceReconnect": "iotdr:health:DeviceReconnect",
  "iot-dr:health:FailoverNotifications": "iotdr:health:FailoverNotifications",
  "iot-dr:health:HealthAggregator": "iotdr:health:HealthAggregator",
  "iot-dr:health:HealthNetwork": "iotdr:health:HealthNetwork",
  "iot-dr:health:PrivateHealthApi": "iotdr:health:PrivateHealthApi",
  "iot-dr:health:RecordHealthCheck": "iotdr:health:RecordHealthCheck",
  "iot-dr:health:VpcFlowLogs": "iotdr:health:VpcFlowLogs",
  "iot-dr:iot:AntiEntropy": "iotdr:iot:AntiEntropy",
  "iot-dr:iot:CaptureRules": "iotdr:iot:CaptureRules",
  "iot-dr:iot:CloudTrailCapture": "iotdr:iot:CloudTrailCapture",
  "iot-dr:iot:HealthProbe": "iotdr:iot:HealthProbe",
  "iot-dr:iot:IotCustomDomain": "iotdr:iot:IotCustomDomain",
  "iot-dr:iot:ManagementTrail": "iotdr:iot:ManagementTrail",
  "iot-dr:iot:PlaneKey": "iotdr:iot:PlaneKey",
  "iot-dr:iot:PlaneQueue": "iotdr:iot:PlaneQueue",
  "iot-dr:iot:RegistryEvents": "iotdr:iot:RegistryEvents",
  "iot-dr:iot:RegistryTable": "iotdr:iot:RegistryTable",
  "iot-dr:iot:RuleRole": "iotdr:iot:RuleRole",
  "iot-dr:iot:StreamReconciliation": "iotdr:iot:StreamReconciliation",
  "iot-dr:iot:TelemetryForwarding": "iotdr:iot:TelemetryForwarding",
  "iot-dr:lambda:NodeFunction": "iotdr:lambda:NodeFunction",
};

/**
 * `aliases` of a resource of `type`, plus, when the type was renamed, each of them under the
 * former type and the former type alone: an alias names one earlier URN, so an alias to an earlier
 * name or parent (given by a caller or by {@link movedChildren}) must also exist with the type
 * that URN had.
 */
export function withFormerType(
  type: string,
  aliases: pulumi.Input<string | pulumi.Alias>[] | undefined,
): pulumi.Input<string | pulumi.Alias>[] | undefined {
  const former = FORMER_TYPES[type];
  if (former === undefined) return aliases;
  const given = aliases ?? [];
  const underFormer: pulumi.Alias[] = [];
  for (const alias of given) {
    // A URN string names its type already.
    if (typeof alias === "string") continue;
    // An alias still to be computed cannot be read here (unwrapping it would also resolve the
    // Resource its parent field holds): refused rather than left without its former type.
    if (pulumi.Output.isInstance(alias) || alias instanceof Promise) {
      throw new Error(
        `${type}: give its aliases as URN strings or plain objects: it was registered as ${former} before, and each alias needs a copy under that type`,
      );
    }
    if (alias.type === undefined) underFormer.push({ ...alias, type: former });
  }
  return [...given, ...underFormer, { type: former }];
}

/** The options of a component of `type`, its former type aliased (see {@link withFormerType}). */
export function componentOptions<T extends pulumi.ComponentResourceOptions>(
  type: string,
  opts: T | undefined,
): T | undefined {
  if (FORMER_TYPES[type] === undefined) return opts;
  return { ...opts, aliases: withFormerType(type, opts?.aliases) } as T;
}
