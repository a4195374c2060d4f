import * as aws from "@pulumi/aws";
import { Evasion } from "../kit";

const opaque = "opaque-resource-refused";

/** Wrappers that deploy what no rule reads. */
export const wrappers: Evasion[] = [
  {
    resource: "catalog-product",
    rule: opaque,
    tries: "a Service Catalog product that creates a single-region database",
    build: ({ west }) =>
      new aws.servicecatalog.ProvisionedProduct(
        "catalog-product",
        { productName: "fleet-database", provisioningArtifactName: "v1" },
        { provider: west },
      ),
  },
  {
    resource: "cloudcontrol-table",
    rule: opaque,
    tries: "a DynamoDB table created through Cloud Control as a JSON document",
    build: ({ west }) =>
      new aws.cloudcontrol.Resource(
        "cloudcontrol-table",
        {
          typeName: "AWS::DynamoDB::Table",
          desiredState: JSON.stringify({
            TableName: "shadow-registry",
            BillingMode: "PAY_PER_REQUEST",
            KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
            AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          }),
        },
        { provider: west },
      ),
  },
  {
    resource: "sar-stack",
    rule: opaque,
    tries: "a Serverless Application Repository app deployed as a CloudFormation stack",
    build: ({ west }) =>
      new aws.serverlessrepository.CloudFormationStack(
        "sar-stack",
        {
          applicationId:
            "arn:aws:serverlessrepo:us-east-1:123456789012:applications/queue-archiver",
          capabilities: ["CAPABILITY_IAM"],
        },
        { provider: west },
      ),
  },
];
