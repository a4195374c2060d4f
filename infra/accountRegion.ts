import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountKey } from "./config";
import { withPermissionsBoundary } from "./iam/permissionsBoundary";
import { ACCOUNT_NAMES } from "./providers";

/** Arguments of {@link AccountRegion}. */
export interface AccountRegionArgs {
  /** Which of the four accounts this is. */
  account: AccountKey;
  /** The region its children deploy into: the region of the provider in `opts.providers`. */
  region: string;
  /** The account's permission boundary, which every role beneath this part carries. */
  permissionsBoundaryArn: string;
}

/**
 * The part of one account in one region. Components created with this as their parent inherit
 * its provider, so no child can land in another account or region by mistake, and every role
 * beneath it carries the account's permission boundary.
 */
export class AccountRegion extends pulumi.ComponentResource {
  public readonly account: AccountKey;
  public readonly region: string;
  /** The provider its children inherit, for components that take providers as arguments. */
  public readonly provider: aws.Provider;

  constructor(args: AccountRegionArgs, opts: { provider: aws.Provider }) {
    super(
      "iotdr:accounts:AccountRegion",
      `${ACCOUNT_NAMES[args.account]}-${args.region}`,
      { account: ACCOUNT_NAMES[args.account], region: args.region },
      {
        providers: { aws: opts.provider },
        transformations: [withPermissionsBoundary(args.permissionsBoundaryArn)],
      },
    );
    this.account = args.account;
    this.region = args.region;
    this.provider = opts.provider;
    this.registerOutputs({});
  }
}
