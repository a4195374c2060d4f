import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { Clock, HealthApi, MetricPort, ProbeAnswer, ProbePort } from "./rounds";

/**
 * HTTPS `GET` of a private API. Inside the VPC the execute-api endpoint's private DNS resolves
 * the API's default host name to the endpoint, so the stage's invoke URL works as it is.
 */
export class FetchProbe implements ProbePort {
  constructor(private readonly send: typeof fetch = fetch) {}

  async get(api: HealthApi, timeoutMs: number): Promise<ProbeAnswer> {
    const response = await this.send(api.url, {
      method: "GET",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  }
}

/** One standard-resolution sample per round (the health check takes no high-resolution alarm). */
export class CloudWatchMetric implements MetricPort {
  constructor(
    private readonly namespace: string,
    private readonly metricName: string,
    private readonly region: string,
    private readonly client = new CloudWatchClient({ retryMode: "adaptive", maxAttempts: 2 }),
  ) {}

  async publish(value: 0 | 1): Promise<void> {
    await this.client.send(
      new PutMetricDataCommand({
        Namespace: this.namespace,
        MetricData: [
          {
            MetricName: this.metricName,
            Dimensions: [{ Name: "Region", Value: this.region }],
            Value: value,
            Unit: "None",
            StorageResolution: 60,
          },
        ],
      }),
    );
  }
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};
