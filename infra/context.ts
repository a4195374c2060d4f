import * as aws from "@pulumi/aws";
import { AccountRegion } from "./accountRegion";
import { AccountKey, StackConfig } from "./config";
import { permissionsBoundaryArn } from "./iam/permissionsBoundary";
import { AccountProviders } from "./providers";
import { SecondaryStackReference } from "./topology";

/**
 * What every area of the program gets: the validated config and a way to place resources in an
 * account and region. Areas create their components with `parent: ctx.in(account, region)` and so
 * inherit that account's provider; none builds a provider.
 */
export class StackContext {
  private readonly parts = new Map<string, AccountRegion>();
  private readonly singletons = new Map<string, unknown>();

  constructor(
    public readonly config: StackConfig,
    public readonly stackName: string,
    private readonly providers: AccountProviders,
    /** The secondary stack as `primary` reads it; undefined in `secondary`. */
    public readonly secondary?: SecondaryStackReference,
  ) {}

  get isPrimary(): boolean {
    return this.config.role === "primary";
  }

  /** The container of `account`'s resources in `region` (default: this stack's own region). */
  in(account: AccountKey, region: string = this.config.ownRegion): AccountRegion {
    const key = `${account}/${region}`;
    let part = this.parts.get(key);
    if (!part) {
      part = new AccountRegion(
        {
          account,
          region,
          permissionsBoundaryArn: permissionsBoundaryArn(this.config.accounts[account].id, region),
        },
        { provider: this.providers.get(account, region) },
      );
      this.parts.set(key, part);
    }
    return part;
  }

  /**
   * The provider of `account` in `region`, for a component that spans regions and places its
   * children itself (the components in `components/` take explicit providers).
   */
  provider(account: AccountKey, region: string = this.config.ownRegion): aws.Provider {
    return this.providers.get(account, region);
  }

  /**
   * One instance per key for the whole stack: for AWS singletons (one per account and region,
   * such as API Gateway's account settings) that several areas need.
   */
  shared<T>(key: string, make: () => T): T {
    if (!this.singletons.has(key)) this.singletons.set(key, make());
    return this.singletons.get(key) as T;
  }
}
