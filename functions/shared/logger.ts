import { Logger } from "@aws-lambda-powertools/logger";

/** One Powertools logger per function bundle; the service name tells the functions apart. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
