import { Declared, awsProvider } from "../../support/policyViews";

/** One rule's examples: a program it rejects (on `rejects`) and the same program fixed. */
export interface RuleExample {
  rule: string;
  /** The rule's config for both examples (relation rules: the DR pair, no deferral). */
  config?: Record<string, unknown>;
  failing: Declared[];
  /** Logical name of the resource the failing example is rejected on. */
  rejects: string;
  passing: Declared[];
  /** Config of the passing example when it differs (an exemption by URN is the fix). */
  passingConfig?: Record<string, unknown>;
}

export const ACCOUNT = "111111111111";
export const PAIR = { drRegions: ["eu-west-1", "eu-central-1"], deferToCrossStack: false };
/** Providers as the engine sends them: list inputs JSON-encoded. */
const pinned = (name: string, region: string): Declared => ({
  ...awsProvider(name, region),
  props: { region, allowedAccountIds: JSON.stringify([ACCOUNT]) },
});
export const WEST = pinned("west", "eu-west-1");
export const CENTRAL = pinned("central", "eu-central-1");

export const doc = (...Statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement });

/** A resource with the outputs a provider computes at create (unknown at preview). */
export const resource = (
  type: string,
  name: string,
  props: Record<string, unknown> = {},
  provider = "west",
): Declared => ({
  type,
  name,
  provider,
  props,
  outputs: { id: name, arn: `arn:aws:${type.split(/[:/]/)[1]}:::${name}` },
});
