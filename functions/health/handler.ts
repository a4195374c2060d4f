import { randomUUID } from "crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import { analyticsCheckpoints } from "./analytics";
import { appCheckpoints } from "./app";
import { emitCheckpoints } from "../shared/metrics";
import { Checkpoint, HealthResponse, runCheckpoints, toResponse } from "./checkpoints";
import { commandControlCheckpoints } from "./commandControl";
import { iotCheckpoints } from "./iot";
import { EventBridgeBuses, KinesisStreams } from "./ports/analytics";
import { DynamoDbTables } from "./ports/dynamodb";
import { LambdaDryRun } from "./ports/lambda";
import { MqttRoundTrip } from "./ports/mqtt";
import { SecretsManagerSecrets } from "./ports/secrets";
import { StsRoles } from "./ports/sts";

const logger = new Logger({ serviceName: "iot-dr-health" });

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The checkpoints this API answers for: `HEALTH_CHECKS` lists iot, app, commandControl, analytics. */
function checkpointsFor(checks: string[], timeoutMs: number): Checkpoint[] {
  const region = env("AWS_REGION");
  const secrets = new SecretsManagerSecrets();
  return checks.flatMap((check): Checkpoint[] => {
    switch (check) {
      case "iot":
        return iotCheckpoints(
          {
            endpoint: env("IOT_ENDPOINT"),
            secretId: env("PROBE_SECRET_ID"),
            clientId: env("PROBE_CLIENT_ID"),
            topic: env("PROBE_TOPIC"),
            rulesTopic: env("PROBE_RULES_TOPIC"),
            timeoutMs,
          },
          { secrets, mqtt: new MqttRoundTrip() },
          randomUUID(),
        );
      case "app":
        return appCheckpoints(
          { tableName: env("APPLICATION_TABLE"), functionName: env("APPLICATION_FUNCTION") },
          { tables: new DynamoDbTables(), functions: new LambdaDryRun(region, env("DNS_SUFFIX")) },
        );
      case "commandControl":
        return commandControlCheckpoints(
          {
            accessRoleArn: env("ACCESS_ROLE_ARN"),
            externalIdSecretId: env("EXTERNAL_ID_SECRET_ID"),
            registryTableName: env("REGISTRY_TABLE"),
          },
          {
            secrets,
            sts: new StsRoles(),
            tablesAs: (credentials) => new DynamoDbTables({ credentials }),
          },
        );
      case "analytics":
        return analyticsCheckpoints(
          { busName: env("TELEMETRY_BUS"), streamName: env("ANALYTICS_STREAM") },
          { buses: new EventBridgeBuses(), streams: new KinesisStreams() },
        );
      default:
        throw new Error(`HEALTH_CHECKS names an unknown check ${JSON.stringify(check)}`);
    }
  });
}

/** `GET /health` behind a private REST API (Lambda proxy integration). */
export async function handler(): Promise<HealthResponse> {
  const timeoutMs = Number(env("CHECKPOINT_TIMEOUT_MS"));
  const checks = env("HEALTH_CHECKS").split(",").filter(Boolean);
  const region = env("AWS_REGION");
  const body = await runCheckpoints(checkpointsFor(checks, timeoutMs), timeoutMs);
  emitCheckpoints(body.checkpoints, region);
  if (body.status === "healthy") logger.info("healthy", { checkpoints: body.checkpoints });
  else logger.warn("unhealthy", { failing: body.failing, checkpoints: body.checkpoints });
  return toResponse(body);
}
