/** What functions emit as CloudWatch metrics, read from their own output. */

/** One metric as CloudWatch will key it: namespace, name and the whole dimension set. */
export interface EmittedMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

interface EmfLine {
  _aws?: {
    CloudWatchMetrics?: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string }[];
    }[];
  };
  [key: string]: unknown;
}

/**
 * Runs `work` and returns the metrics of every embedded-metric-format line it printed on stdout
 * (the lines Lambda ships to CloudWatch Logs, which extracts the metrics from them:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
export async function emittedBy(work: () => unknown): Promise<EmittedMetric[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    if (text.includes('"_aws"')) {
      lines.push(...text.split("\n").filter(Boolean));
      return true;
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  };
  try {
    await work();
  } finally {
    process.stdout.write = write;
  }
  return lines.flatMap((line) => {
    const emf = JSON.parse(line) as EmfLine;
    return (emf._aws?.CloudWatchMetrics ?? []).flatMap((directive) =>
      directive.Dimensions.flatMap((set) =>
        directive.Metrics.map((metric) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          dimensions: Object.fromEntries(set.map((key) => [key, String(emf[key])])),
        })),
      ),
    );
  });
}
