/**
 * The prices the cost estimate uses, each with the page it was read from and when. Prices are
 * US East (N. Virginia) list prices unless said otherwise; other regions may differ by a few
 * percent (an assumption the estimate prints). Read on 2026-12-07 through the search tool.
 */
export interface Price {
  /** Dollars per {@link per} units; null when no page giving it was found (see `source`). */
  usd: number | null;
  per: number;
  unit: string;
  source: string;
  read: string;
  /** Set when the figure is not read from a page but assumed; says why. */
  assumption?: string;
}

const READ = "2026-12-07";
/** Said in the source line of a price the search corpus had no page for. */
const NOT_FOUND = "PRICE NOT FOUND in the search corpus on 2026-12-07, left out of the totals:";

export const PRICES = {
  healthCheck: {
    usd: 0.5,
    per: 1,
    unit: "health check per month (AWS endpoint)",
    source: "https://aws.amazon.com/route53/pricing/ (as quoted by wewantcode.com, lesson 7-84)",
    read: READ,
    assumption:
      "metric-alarm and calculated checks billed as basic AWS-endpoint checks; the pricing page itself was not readable here",
  },
  healthCheckFastInterval: {
    usd: null,
    per: 1,
    unit: "optional feature per health check per month: 10 s request interval (the IoT endpoint's TCP checks)",
    source: `${NOT_FOUND} https://aws.amazon.com/route53/pricing/ (wewantcode.com, lesson 7-84, says only that fast interval costs extra)`,
    read: READ,
  },
  regionSwitchPlan: {
    usd: null,
    per: 1,
    unit: "ARC Region switch plan per month",
    source: `${NOT_FOUND} https://aws.amazon.com/application-recovery-controller/pricing/`,
    read: READ,
  },
  regionSwitchHealthCheck: {
    usd: 0.5,
    per: 1,
    unit: "Route 53 health check a Region switch health check block makes, per month",
    source: "https://aws.amazon.com/route53/pricing/ (as quoted by wewantcode.com, lesson 7-84)",
    read: READ,
    assumption:
      "billed to the plan's account as a basic health check; route53-health-check-block.html says the block creates Route 53 health checks, not who pays for them",
  },
  fisActionMinute: {
    usd: 0.1,
    per: 1,
    unit: "FIS action-minute (every action, wait included, from its start to its stop)",
    source: "https://aws.amazon.com/fis/pricing/",
    read: READ,
  },
  arcClusterHour: {
    usd: 2.5,
    per: 1,
    unit: "ARC cluster hour",
    source: "https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.create.html",
    read: READ,
    assumption:
      "the page says clusters are charged by the hour; the hourly figure is the ARC pricing page's as remembered, not read",
  },
  customEvent: {
    usd: 1.0,
    per: 1e6,
    unit: "custom events published (a global endpoint's replica counts again)",
    source:
      "https://cloudburn.io/blog/amazon-eventbridge-pricing (quoting https://aws.amazon.com/eventbridge/pricing/)",
    read: READ,
  },
  lambdaRequest: {
    usd: 0.2,
    per: 1e6,
    unit: "Lambda requests",
    source:
      "https://aws.amazon.com/lambda/pricing/ (figures as quoted by git.mcrn.ar lambda-13-cost)",
    read: READ,
  },
  lambdaGbSecond: {
    usd: 0.0000166667,
    per: 1,
    unit: "GB-second of Lambda, x86",
    source:
      "https://aws.amazon.com/lambda/pricing/ (figures as quoted by git.mcrn.ar lambda-13-cost)",
    read: READ,
  },
  replicatedWrite: {
    usd: 0.625,
    per: 1e6,
    unit: "replicated write request units (on-demand), in every replica region",
    source:
      "https://www.usage.ai/blogs/aws/reserved-instances/dynamodb/global-tables-cost/; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/global-tables-billing.html (rWRU priced as WRU)",
    read: READ,
  },
  stateTransition: {
    usd: 0.025,
    per: 1000,
    unit: "Step Functions standard state transitions (EU (Ireland) and (Frankfurt) too)",
    source: "https://aws.amazon.com/step-functions/pricing/",
    read: READ,
  },
  interRegionGb: {
    usd: 0.02,
    per: 1,
    unit: "GB replicated to another region (S3 cross-region replication transfer)",
    source: "https://awsnegotiations.com/s3-replication-cost-strategy",
    read: READ,
  },
} satisfies Record<string, Price>;

/** The price of one unit; null when the price was not found. */
export const unitPrice = (price: Price): number | null =>
  price.usd === null ? null : price.usd / price.per;

/** Usage the plan cannot know, each an assumption the estimate prints beside its figure. */
export const ASSUMED_USAGE = {
  telemetryPerDevicePerMonth: {
    value: 720,
    why: "telemetry messages per device per month forwarded to the global endpoint (one an hour)",
  },
  registryItemsPerDevice: {
    value: 4,
    why: "registry items per device (thing, certificate, its attachment, shadow)",
  },
  registryChangesPerItemPerMonth: {
    value: 1,
    why: "changes per registry item per month",
  },
  s3GbPerMillionDevicesPerMonth: {
    value: 100,
    why: "GB of application objects replicated per month per million devices",
  },
  gameDaysPerMonth: {
    value: 1,
    why: "game days a month per region: runs of the region's FIS experiment template (docs/operations.md, Game day)",
  },
  sweepTransitionsPerSegment: {
    value: 4,
    why: "state transitions per sweep segment (map iteration: start, task, choice, end)",
  },
} as const;
