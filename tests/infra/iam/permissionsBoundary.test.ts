import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  ROLE_TYPE,
  permissionsBoundaryArn,
  withBoundaryOfProvider,
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

  it("gives a role under a component spanning accounts its provider's boundary, and refuses an unknown provider", () => {
    const known = { name: "known" } as unknown as pulumi.ProviderResource;
    const unknown = { name: "unknown" } as unknown as pulumi.ProviderResource;
    const boundary = permissionsBoundaryArn("222222222222", "eu-west-1");
    const transform = withBoundaryOfProvider((p) => (p === known ? boundary : undefined));
    // The role's provider is the one its parent hands down (getProvider), as for NodeFunction's role.
    const under = (provider: pulumi.ProviderResource): pulumi.ResourceTransformationArgs => ({
      type: ROLE_TYPE,
      name: "fn-role",
      props: {},
      opts: { parent: { getProvider: () => provider } as unknown as pulumi.Resource },
      resource: undefined as unknown as pulumi.Resource,
    });
    assert.equal(transform(under(known))?.props.permissionsBoundary, boundary);
    assert.throws(
      () => transform(under(unknown)),
      /role fn-role: its provider acts in no account this program knows/,
    );
  });
});
