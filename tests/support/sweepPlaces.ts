/** Where the sweep's unit tests run: one account, the example config's two regions, a fixed start. */
export const ACCOUNT = "111111111111";
export const PRIMARY = { region: "eu-west-1", account: ACCOUNT };
export const SECONDARY = { region: "eu-central-1", account: ACCOUNT };
export const T0 = Date.parse("2026-11-26T04:00:00Z");
