/* global require -- a CommonJS pack, as `pulumi policy new awsguard-javascript` makes it */
/* eslint-disable @typescript-eslint/no-require-imports */
const aws = require("@pulumi/aws");

// @pulumi/awsguard 0.3.1 still names the load balancer classes of modules @pulumi/aws 6 removed
// (elasticloadbalancing, elasticloadbalancingv2; applicationloadbalancing keeps only its enums):
// aliases of elb and lb. Its own @pulumi/aws 4 would need an install script, so a team on
// @pulumi/aws 7 points the old names at the classes that replaced them before loading it.
const renamed = [
  ["elasticloadbalancing", "LoadBalancer", aws.elb.LoadBalancer],
  ["elasticloadbalancingv2", "LoadBalancer", aws.lb.LoadBalancer],
  ["elasticloadbalancingv2", "Listener", aws.lb.Listener],
  ["applicationloadbalancing", "LoadBalancer", aws.lb.LoadBalancer],
];
for (const [module, name, resourceClass] of renamed) {
  if (!(module in aws)) Object.defineProperty(aws, module, { value: {}, enumerable: false });
  if (!(name in aws[module])) aws[module][name] = resourceClass;
}

const { AwsGuard } = require("@pulumi/awsguard");

// Every AWSGuard policy, mandatory.
new AwsGuard({ all: "mandatory" });
