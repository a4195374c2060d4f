import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../core/arn";
import { NAMES } from "../../core/names";

/** The Pulumi type of the roles the boundary applies to. */
export const ROLE_TYPE = "aws:iam/role:Role";

/** ARN of the permission boundary policy (bootstrap/) in `accountId`. */
export function permissionsBoundaryArn(accountId: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:policy/${NAMES.permissionsBoundary}`;
}

/**
 * Gives every IAM role created beneath a resource the account's permission boundary, so no role
 * of the program can exceed it whatever its own policies say, and the deploy role (which may create
 * roles only with this boundary) can create them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). A role that
 * names another boundary is refused rather than silently changed.
 */
export function withPermissionsBoundary(boundaryArn: string): pulumi.ResourceTransformation {
  return ({ type, name, props, opts }) => {
    if (type !== ROLE_TYPE) return undefined;
    const own = props.permissionsBoundary as unknown;
    if (own !== undefined && own !== boundaryArn) {
      throw new Error(
        `role ${name}: permissionsBoundary must be ${boundaryArn} (the account's, set for every ` +
          `role), got ${JSON.stringify(own)}`,
      );
    }
    return { props: { ...props, permissionsBoundary: boundaryArn }, opts };
  };
}

/**
 * {@link withPermissionsBoundary} for a component whose children act in several accounts: each
 * role gets the boundary of the account its provider acts in (the role's own provider, else the
 * one it inherits from its parent). A role whose provider `boundaryOf` does not know is refused:
 * it would otherwise be created without a boundary, which the deploy role may not do.
 */
export function withBoundaryOfProvider(
  boundaryOf: (provider: pulumi.ProviderResource) => string | undefined,
): pulumi.ResourceTransformation {
  return (args) => {
    if (args.type !== ROLE_TYPE) return undefined;
    const provider = args.opts.provider ?? args.opts.parent?.getProvider(args.type);
    const boundary = provider && boundaryOf(provider);
    if (!boundary) {
      throw new Error(
        `role ${args.name}: its provider acts in no account this program knows, so it has no permission boundary`,
      );
    }
    return withPermissionsBoundary(boundary)(args);
  };
}
