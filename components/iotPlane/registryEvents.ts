import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions } from "../shared/formerTypes";

/** The registry events the capture function listens to: every entity the registry replicates. */
export const REGISTRY_EVENT_TYPES = [
  "THING",
  "THING_TYPE",
  "THING_GROUP",
  "THING_GROUP_MEMBERSHIP",
  "THING_GROUP_HIERARCHY",
  "THING_TYPE_ASSOCIATION",
] as const;

/**
 * Switches IoT registry events on in this region; they are off by default, and without them
 * nothing reaches `$aws/events/...`. Certificates and policies have no registry events: those come
 * from CloudTrail (see {@link CloudTrailCapture}).
 */
export class RegistryEvents extends pulumi.ComponentResource {
  public readonly configurations: aws.iot.EventConfigurations;

  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:iot:RegistryEvents",
      name,
      {},
      componentOptions("iot-dr:iot:RegistryEvents", opts),
    );
    this.configurations = new aws.iot.EventConfigurations(
      `${name}-events`,
      {
        eventConfigurations: Object.fromEntries(REGISTRY_EVENT_TYPES.map((type) => [type, true])),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
