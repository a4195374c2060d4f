import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IoTClient } from "@aws-sdk/client-iot";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { AccessRoleCredentials } from "./credentials";
import { IotStatus } from "./iotStatus";
import { DynamoRegistry } from "./registry";
import { ServiceDeps, route } from "./service";

/**
 * One router for all five routes: one role for the access role's trust to name, one function to
 * keep warm, and validation and errors mapped in one place.
 */
const logger = new Logger({ serviceName: "command-control-api" });
const region = process.env.AWS_REGION ?? "";
const clientConfig = { region, retryMode: "adaptive" as const };
const credentials = new AccessRoleCredentials(
  {
    roleArn: required("ACCESS_ROLE_ARN"),
    externalIdSecret: required("EXTERNAL_ID_SECRET"),
    sessionName: `command-control-${region}`,
  },
  new STSClient(clientConfig),
  new SecretsManagerClient(clientConfig),
);
const assumed = { retryMode: "adaptive" as const, credentials: credentials.provider };
const deps: ServiceDeps = {
  registry: new DynamoRegistry(
    DynamoDBDocumentClient.from(new DynamoDBClient({ ...assumed, region }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    required("REGISTRY_TABLE"),
    region,
  ),
  iot: Object.fromEntries(
    required("REGIONS")
      .split(",")
      .map((r) => [r, new IotStatus(new IoTClient({ ...assumed, region: r }))]),
  ),
  region,
  clock: Date.now,
  // Devices listen to the reconnect topic; only the platform's reconnect function publishes there.
  contract: { listenOnlyTopics: [required("RECONNECT_TOPIC")] },
  // One structured line per write, with the signer: the audit trail of the fleet's changes.
  audit: (entry) => logger.info("audit", { ...entry }),
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const result = await route(
    {
      method: event.httpMethod,
      resource: event.resource,
      pathName: event.pathParameters?.name,
      body:
        event.isBase64Encoded && event.body
          ? Buffer.from(event.body, "base64").toString()
          : event.body,
      caller: {
        userArn: event.requestContext?.identity?.userArn ?? null,
        accountId: event.requestContext?.identity?.accountId ?? null,
        principalId: event.requestContext?.identity?.caller ?? null,
        sourceIp: event.requestContext?.identity?.sourceIp ?? null,
      },
      requestId: event.requestContext?.requestId ?? null,
    },
    deps,
  ).catch((error: unknown) => {
    logger.error("request failed", { error: error as Error });
    return {
      status: 500,
      body: { error: "internal error", requestId: event.requestContext?.requestId },
    };
  });
  logger.info("request", {
    method: event.httpMethod,
    resource: event.resource,
    status: result.status,
    caller: event.requestContext?.identity?.userArn,
  });
  return {
    statusCode: result.status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(result.body),
  };
}
