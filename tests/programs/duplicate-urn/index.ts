import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const assumeRolePolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

// Two helpers that each name their role from a shared prefix, as telemetryTargets.ts once did.
class Workflow extends pulumi.ComponentResource {
  constructor(name: string) {
    super("sample:index:Workflow", name);
    new aws.iam.Role(`${name}-role`, { assumeRolePolicy }, { parent: this });
    new aws.iam.Role(`${name}-role`, { assumeRolePolicy }, { parent: this });
  }
}

new Workflow("telemetry-workflow");
// Same name, other parent: a distinct URN, which pulumi accepts.
new aws.iam.Role("telemetry-workflow-role", { assumeRolePolicy });
