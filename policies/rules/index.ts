import { Policies } from "@pulumi/policy";
import { awsProviderAssumeRole } from "./awsProvider";

/** Every rule of the iot-dr pack; the pack and the offline plan both take them from here. */
export const iotDrPolicies: Policies = [awsProviderAssumeRole];

/** Name of the pack, as `pulumi preview --policy-pack` reports it. */
export const IOT_DR_PACK_NAME = "iot-dr";
