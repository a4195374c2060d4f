// Registers the SigV4a signer the S3 client needs for Multi-Region Access Point ARNs.
import "@aws-sdk/signature-v4a";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { Documents, parseDocumentRequest } from "./documents";

const logger = new Logger({ serviceName: "application" });
const config = { region: process.env.AWS_REGION, retryMode: "adaptive" as const };
const ssm = new SSMClient(config);
let accessPointArn: Promise<string> | undefined;

/** Read once per cold start: `primary` writes it after the access point exists. */
function readAccessPointArn(): Promise<string> {
  accessPointArn ??= ssm
    .send(new GetParameterCommand({ Name: process.env.ACCESS_POINT_PARAMETER }))
    .then((result) => {
      const value = result.Parameter?.Value;
      if (!value) throw new Error("the access point parameter is empty: deploy `primary`");
      return value;
    })
    .catch((error: unknown) => {
      accessPointArn = undefined;
      throw error;
    });
  return accessPointArn;
}

const documents = new Documents(
  new S3Client(config),
  DynamoDBDocumentClient.from(new DynamoDBClient(config)),
  process.env.APPLICATION_TABLE ?? "",
  readAccessPointArn,
);

export async function handler(event: unknown) {
  const request = parseDocumentRequest(event);
  const result = await documents.handle(request);
  logger.info("document", { action: request.action, key: request.key });
  return result;
}
