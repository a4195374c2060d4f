// Where a reconciler acts; its own module so converge.ts and convergeFleet.ts share it without a circle.
/** Where the reconciler runs: ARNs are built for this account and region. */
export interface Place {
  region: string;
  account: string;
}
