import { PolicyPack } from "@pulumi/policy";
import { withExemptions } from "./exemptions";
import { IOT_DR_PACK_NAME, iotDrPolicies } from "./rules";

// Only builds the pack: constructing it starts the analyzer server the Pulumi CLI talks to.
new PolicyPack(IOT_DR_PACK_NAME, {
  description:
    "Rejects resources of the iot-dr program that would not survive the loss of a region.",
  enforcementLevel: "mandatory",
  policies: iotDrPolicies.map(withExemptions),
});
