import * as aws from "@pulumi/aws";

new aws.sqs.Queue("orders");
throw new Error("the program gave up"); // line 4: the plan's refusal must point here
