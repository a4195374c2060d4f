import { AccountRegion } from "./accountRegion";
import { ACCOUNT_KEYS, StackConfig } from "./config";
import { AccountProviders } from "./providers";
import { SecondaryStackReference, topologyOf } from "./topology";

/**
 * The whole program for one stack. `secondary` holds only secondary-region resources so it can
 * change while the primary region is down; `primary` owns what spans both regions.
 */
export function defineStack(config: StackConfig, stackName: string) {
  const providers = new AccountProviders(config, stackName);
  // Later parts are created with these as parents and so inherit the right provider.
  for (const account of ACCOUNT_KEYS) {
    new AccountRegion(
      { account, region: config.ownRegion },
      { provider: providers.get(account, config.ownRegion) },
    );
  }

  const outputs: Record<string, unknown> = { role: config.role, region: config.ownRegion };
  if (config.role === "secondary") {
    outputs.topology = topologyOf(config);
  } else {
    outputs.secondaryTopology = new SecondaryStackReference(config).topology;
  }
  return outputs;
}
