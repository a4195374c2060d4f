import { loadStackConfig } from "../../../infra/config";
import { StackContext } from "../../../infra/context";
import { failoverSetIdentifier } from "../../../components/failover/failoverRecords";
import { RegionSwitchActionsRole } from "../../../infra/operations/regionSwitchActionsRole";
import { RegionSwitchPlan } from "../../../infra/operations/regionSwitchPlan";
import { AccountProviders } from "../../../infra/providers";
import * as pulumi from "@pulumi/pulumi";

// The plan as the primary stack builds it (infra/operations).
const config = loadStackConfig();
const stack = pulumi.getStack();
const ctx = new StackContext(config, stack, new AccountProviders(config, stack));
const { primary, secondary } = config.regions;
const shared = config.accounts.sharedServices.id;
const iot = config.accounts.iotServices.id;
const setIdentifiers = {
  [primary]: failoverSetIdentifier(primary, "PRIMARY"),
  [secondary]: failoverSetIdentifier(secondary, "SECONDARY"),
};
const readinessFunctionArns = {
  [primary]: `arn:aws:lambda:${primary}:${iot}:function:readiness-check-fn-primary`,
  [secondary]: `arn:aws:lambda:${secondary}:${iot}:function:readiness-check-fn-secondary`,
};
const actions = new RegionSwitchActionsRole(
  "region-switch-actions",
  {
    partition: "aws",
    planAccountId: shared,
    readinessFunctionArns: Object.values(readinessFunctionArns),
  },
  { parent: ctx.in("iotServices") },
);
const plan = new RegionSwitchPlan(
  "region-switch",
  {
    partition: "aws",
    primaryRegion: primary,
    secondaryRegion: secondary,
    planAccountId: shared,
    actionsRoleArn: actions.role.arn,
    hostedZoneId: config.dns.hostedZoneId,
    domains: [
      { key: "iot", recordName: config.dns.iotDomain, setIdentifiers },
      { key: "commandControl", recordName: config.dns.commandControlDomain, setIdentifiers },
    ],
    readinessFunctionArns,
    rtoTargetSeconds: config.rtoTargetSeconds,
  },
  { parent: ctx.in("sharedServices", "us-east-1") },
);

export const planArn = plan.plan.arn;
export const recordCheckIds = plan.recordCheckIds;
