import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  ROLE_TYPE,
  permissionsBoundaryArn,
  withPermissionsBoundary,
} from "../../../infra/iam/permissionsBoundary";
import { ofType, ownStacks } from "../../support/ownStacks";

describe("permission boundary on every role of the program", () => {
  it("gives each planned role of both stacks its own account's boundary", async () => {
    for (const report of await ownStacks()) {
      const roles = ofType(report, ROLE_TYPE);
      const wrong = roles
        .filter(
          (r) =>
            r.inputs.permissionsBoundary !==
            permissionsBoundaryArn(
              String(r.account),
              report.stack === "primary" ? "eu-west-1" : "eu-central-1",
            ),
        )
        .map(
          (r) =>
            `${report.stack} ${r.name} (${r.account}): ${String(r.inputs.permissionsBoundary)}`,
        );
      assert.deepEqual(wrong, [], `${roles.length} roles, these without the boundary`);
    }
  });

  it("refuses a role that names another boundary, naming the role", () => {
    const transform = withPermissionsBoundary(permissionsBoundaryArn("111111111111", "eu-west-1"));
    const args = (props: Record<string, unknown>): pulumi.ResourceTransformationArgs => ({
      type: ROLE_TYPE,
      name: "probe",
      props,
      opts: {},
      resource: undefined as unknown as pulumi.Resource,
    });
    assert.throws(
      () => transform(args({ permissionsBoundary: "arn:aws:iam::111111111111:policy/other" })),
      /role probe: permissionsBoundary must be arn:aws:iam::111111111111:policy\/iot-dr-permissions-boundary/,
    );
    assert.equal(transform({ ...args({}), type: "aws:iam/policy:Policy" }), undefined);
  });
});
