import * as aws from "@pulumi/aws";

// Uses whatever credentials are around: no assumed role, no external id, no account pin.
const provider = new aws.Provider("ambient", { region: "eu-west-1" });
// Encrypted, so the provider is the only thing this sample breaks.
new aws.sqs.Queue("jobs", { kmsMasterKeyId: "alias/aws/sqs" }, { provider });
