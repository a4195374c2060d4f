import * as aws from "@pulumi/aws";

const vpc = aws.ec2.getVpcOutput({ default: true });

export const group = new aws.ec2.SecurityGroup("web", { vpcId: vpc.id }).id;
