import { Logger } from "@aws-lambda-powertools/logger";
import { ProbeIot, SecretWriter } from "./iot";
import { ProbeResult, parseEvent, provisionProbe } from "./provision";

const logger = new Logger({ serviceName: "iot-dr-probe-certificate" });

/**
 * Invoked by Pulumi (`aws.lambda.Invocation`, lifecycle CRUD). The result is stored in the stack's
 * state, so it carries the certificate ARN and what was retired, never key material.
 */
export async function handler(event: unknown): Promise<ProbeResult> {
  const { action, request } = parseEvent(event);
  const result = await provisionProbe(action, request, {
    iot: new ProbeIot(),
    secrets: new SecretWriter(),
  });
  logger.info("probe certificate", { action, thingName: request.thingName, ...result });
  return result;
}
