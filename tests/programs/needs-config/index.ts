import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// Like many published programs: config read with require*, the default AWS provider.
const config = new pulumi.Config();
const domain = config.require("targetDomain");
const port = config.requireNumber("port");

export const bucket = new aws.s3.Bucket(`${domain}-content-${port}`).bucket;
