import { ACCOUNT_KEYS, StackConfig } from "./config";
import { StackContext } from "./context";
import { defineIotPlane } from "./iotPlane";
import { AccountProviders } from "./providers";
import { SecondaryStackReference, topologyOf } from "./topology";

/**
 * The whole program for one stack. `secondary` holds only secondary-region resources so it can
 * change while the primary region is down; `primary` owns what spans both regions.
 */
export function defineStack(config: StackConfig, stackName: string) {
  const secondary = config.role === "primary" ? new SecondaryStackReference(config) : undefined;
  const ctx = new StackContext(
    config,
    stackName,
    new AccountProviders(config, stackName),
    secondary,
  );
  // Every account is present in the stack's own region, whatever the areas below place there.
  for (const account of ACCOUNT_KEYS) ctx.in(account);

  const outputs: Record<string, unknown> = { role: config.role, region: config.ownRegion };
  if (secondary) {
    outputs.secondaryTopology = secondary.topology;
  } else {
    outputs.topology = topologyOf(config);
  }
  Object.assign(outputs, defineIotPlane(ctx));
  return outputs;
}
