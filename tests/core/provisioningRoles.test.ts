import { strict as assert } from "assert";
import { keys } from "../../core/entities";
import { PROVISIONING_ROLE_PATH } from "../../core/provisioningRoles";
import { parseRegistryItem } from "../../core/registrySchema";
import type { RegistryItem } from "../../core/registryItem";

const T0 = Date.UTC(2026, 0, 1);
const template = (provisioningRoleArn: string): RegistryItem => ({
  pk: keys.provisioningTemplate("fleet-a"),
  kind: "provisioningTemplate",
  version: T0,
  updatedAt: new Date(T0).toISOString(),
  updatedBy: "capture:eu-west-1",
  sourceRegion: "eu-west-1",
  deleted: false,
  desired: {
    templateName: "fleet-a",
    description: null,
    templateBody: JSON.stringify({ Resources: {} }),
    enabled: true,
    provisioningRoleArn,
    type: "FLEET_PROVISIONING",
    preProvisioningHook: null,
  },
});

// The reconciler may pass IoT only roles under this path (iam:PassRole): an item naming another
// role is refused where it is read, with its field and reason, not at IoT with AccessDenied.
describe("registry items name only provisioning roles the reconciler may pass", () => {
  // iam:PassRole on role/iot-dr/provisioning/* covers deeper paths too: so does the schema.
  for (const name of ["fleet", "team-a/fleet"]) {
    it(`accepts a template whose role is ${PROVISIONING_ROLE_PATH}${name}`, () => {
      const parsed = parseRegistryItem(
        template(`arn:aws:iam::111111111111:role${PROVISIONING_ROLE_PATH}${name}`),
      );
      assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
    });
  }

  for (const role of [
    "arn:aws:iam::111111111111:role/Admin",
    "arn:aws:iam::111111111111:role/iot-dr/provisioning-other/fleet",
    "arn:aws:iam::111111111111:role/iot-dr/provisioning/",
  ]) {
    it(`refuses ${role.split(":role")[1]}, naming the field and the path`, () => {
      const parsed = parseRegistryItem(template(role));
      assert.equal(parsed.ok, false);
      assert.match(
        parsed.ok ? "" : parsed.reason,
        /provisioningRoleArn: an IAM role ARN under the path \/iot-dr\/provisioning\//,
      );
    });
  }
});
