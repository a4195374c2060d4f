import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_KEYS, AccountKey, StackConfig } from "./config";

/** What both stacks must agree on; `secondary` exports it and `primary` checks it. */
export interface Topology {
  regions: { primary: string; secondary: string };
  accounts: Record<AccountKey, string>;
}

export function topologyOf(config: StackConfig): Topology {
  return {
    regions: { ...config.regions },
    accounts: Object.fromEntries(
      ACCOUNT_KEYS.map((key) => [key, config.accounts[key].id]),
    ) as Record<AccountKey, string>,
  };
}

/** Every way the secondary stack's topology differs from this stack's config, as readable lines. */
export function topologyMismatches(
  expected: Topology,
  actual: Partial<Topology> | undefined,
): string[] {
  if (!actual?.regions || !actual.accounts) {
    return ["the secondary stack exports no topology: deploy `secondary` first"];
  }
  const problems: string[] = [];
  for (const key of ["primary", "secondary"] as const) {
    if (actual.regions[key] !== expected.regions[key]) {
      problems.push(
        `regions.${key} is ${actual.regions[key]} there and ${expected.regions[key]} here`,
      );
    }
  }
  for (const key of ACCOUNT_KEYS) {
    if (actual.accounts[key] !== expected.accounts[key]) {
      problems.push(
        `accounts.${key}.id is ${actual.accounts[key]} there and ${expected.accounts[key]} here`,
      );
    }
  }
  return problems;
}

/**
 * The `secondary` stack as `primary` sees it. Reading its topology fails the deployment when the
 * two stack configs disagree, before anything spans regions on wrong assumptions.
 */
export class SecondaryStackReference {
  public readonly reference: pulumi.StackReference;
  public readonly topology: pulumi.Output<Topology>;

  constructor(config: StackConfig) {
    this.reference = new pulumi.StackReference(config.peerStack);
    const expected = topologyOf(config);
    this.topology = this.reference.requireOutput("topology").apply((actual) => {
      const problems = topologyMismatches(expected, actual as Partial<Topology> | undefined);
      if (problems.length > 0) {
        throw new Error(
          `stack ${config.peerStack} does not match this stack's config:\n  ${problems.join("\n  ")}`,
        );
      }
      return actual as Topology;
    });
  }
}
