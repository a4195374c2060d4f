// Its own module so plan/records.ts, which builds these for plan/engine.ts, need not import it.

/** One resource as the plan reports it (the JSON contract's fields plus a few more). */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** 12-digit id of the provider's account; null for resources no provider manages. */
  account: string | null;
  /** The resource's region, "global" for global services, null where no provider applies. */
  region: string | null;
  parent: string | null;
  /** Inputs as the program declared them, secrets shown as "[secret]". */
  inputs: Record<string, unknown>;
  /** State after a mocked deploy: inputs plus computed outputs. */
  state: Record<string, unknown>;
  /** Inputs with secrets unwrapped, for policies and tests; never printed. */
  revealedInputs: Record<string, unknown>;
  /** State with secrets unwrapped, for policies and tests; never printed. */
  revealedState: Record<string, unknown>;
  /** True for resources a provider manages; false for components. */
  custom: boolean;
  /** URN of the provider that manages it, if any. */
  provider: string | null;
  /**
   * URNs the engine creates first: the resources its inputs come from and its `dependsOn`
   * (a component there stands for its children). Deploy-order checks read these. Always set by
   * {@link planStack}; optional so hand-made records in tests need not list it.
   */
  dependencies?: string[];
  /**
   * Per input, the URNs of the custom resources it was computed from (only inputs with some), as
   * the SDK registers them and the engine sends them to AnalyzeStack. Set by {@link planStack}.
   */
  propertyDependencies?: Record<string, string[]>;
  /**
   * The resource options that keep it when Pulumi deletes or replaces it, as the program set them
   * (protect is inherited from a parent by the SDK, retainOnDelete is not). Always set by
   * {@link planStack} for custom resources.
   */
  lifecycle?: { protect: boolean; retainOnDelete: boolean };
}
