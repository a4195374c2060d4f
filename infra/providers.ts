import * as aws from "@pulumi/aws";
import { AccountKey, StackConfig } from "./config";

/** Kebab-case names of the accounts, used in resource names and the component tag. */
export const ACCOUNT_NAMES: Record<AccountKey, string> = {
  sharedServices: "shared-services",
  iotServices: "iot-services",
  commandControl: "command-control",
  dataAnalytics: "data-analytics",
};

/**
 * One `aws.Provider` per (account, region), made on first use so a stack holds only the
 * providers it deploys with. Every provider assumes the account's deploy role with the external
 * id and refuses to act in any other account, so a wrong credential cannot touch the wrong account.
 */
export class AccountProviders {
  private readonly providers = new Map<string, aws.Provider>();

  constructor(
    private readonly config: StackConfig,
    private readonly stackName: string,
  ) {}

  /** The provider for `account` in `region`. */
  get(account: AccountKey, region: string): aws.Provider {
    const key = `${ACCOUNT_NAMES[account]}-${region}`;
    let provider = this.providers.get(key);
    if (!provider) {
      provider = this.create(key, account, region);
      this.providers.set(key, provider);
    }
    return provider;
  }

  private create(name: string, account: AccountKey, region: string): aws.Provider {
    const { id, deployRoleArn, externalId } = this.config.accounts[account];
    return new aws.Provider(name, {
      region: region as aws.Region,
      allowedAccountIds: [id],
      assumeRoles: [
        {
          roleArn: deployRoleArn,
          // Shows in the account's CloudTrail which stack made a change.
          sessionName: `iot-dr-${this.stackName}`.slice(0, 64),
          externalId,
        },
      ],
      defaultTags: {
        tags: {
          ...this.config.tags,
          "iot-dr:stack": this.stackName,
          "iot-dr:role": this.config.role,
          "iot-dr:component": ACCOUNT_NAMES[account],
        },
      },
    });
  }
}
