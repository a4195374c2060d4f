import { loadStackConfig } from "../../../infra/config";
import { StackContext } from "../../../infra/context";
import { RegionSwitchPlan } from "../../../infra/operations/regionSwitchPlan";
import { AccountProviders } from "../../../infra/providers";
import * as pulumi from "@pulumi/pulumi";

// The plan as the primary stack builds it when health.arc.enabled is on (infra/operations).
const config = loadStackConfig();
const stack = pulumi.getStack();
const ctx = new StackContext(config, stack, new AccountProviders(config, stack));
const { primary, secondary } = config.regions;
const shared = config.accounts.sharedServices.id;
const iot = config.accounts.iotServices.id;
const panel = `arn:aws:route53-recovery-control::${shared}:controlpanel/0123456789abcdef0123456789abcdef`;
const plan = new RegionSwitchPlan(
  "region-switch",
  {
    partition: "aws",
    primaryRegion: primary,
    secondaryRegion: secondary,
    planAccountId: shared,
    functionsAccountId: iot,
    functionsProvider: ctx.provider("iotServices"),
    routingControlArns: {
      [primary]: `${panel}/routingcontrol/aaaaaaaaaaaaaaaa`,
      [secondary]: `${panel}/routingcontrol/bbbbbbbbbbbbbbbb`,
    },
    clusterArn: `arn:aws:route53-recovery-control::${shared}:cluster/4b325d3b-0e28-4dcf-ba4a-000000000000`,
    readinessFunctionArns: {
      [primary]: `arn:aws:lambda:${primary}:${iot}:function:readiness-check-fn-primary`,
      [secondary]: `arn:aws:lambda:${secondary}:${iot}:function:readiness-check-fn-secondary`,
    },
    rtoTargetSeconds: config.rtoTargetSeconds,
  },
  { parent: ctx.in("sharedServices", "us-west-2") },
);

export const planArn = plan.plan.arn;
