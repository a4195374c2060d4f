/** The four accounts of the main program, by their config key (infra/config). */
export const ACCOUNT_KEYS = [
  "sharedServices",
  "iotServices",
  "commandControl",
  "dataAnalytics",
] as const;
export type AccountKey = (typeof ACCOUNT_KEYS)[number];
