import * as aws from "@pulumi/aws";

/** A queue whose module the entry imports by its .js name. */
export const queue = new aws.sqs.Queue("acl-queue", { kmsMasterKeyId: "alias/aws/sqs" });
