import * as pulumi from "@pulumi/pulumi";
import {
  OPERATIONS_METRICS,
  OPERATIONS_NAMESPACE,
  OperationsMetricKey,
} from "../../core/operationsMetrics";
import { NAMES } from "../../core/names";

/**
 * Metrics AWS services publish by themselves, as their documentation names them. A dashboard or
 * alarm names either one of these or a metric a function of this program emits.
 */
export const AWS_METRICS = {
  dlqDepth: {
    namespace: "AWS/SQS",
    name: "ApproximateNumberOfMessagesVisible",
    dimensions: ["QueueName"],
    source:
      "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
  },
  sweepFailed: {
    namespace: "AWS/States",
    name: "ExecutionsFailed",
    dimensions: ["StateMachineArn"],
    source: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html",
  },
  sweepDuration: {
    namespace: "AWS/States",
    name: "ExecutionTime",
    dimensions: ["StateMachineArn"],
    source: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html",
  },
  lambdaErrors: {
    namespace: "AWS/Lambda",
    name: "Errors",
    dimensions: ["FunctionName"],
    source: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
  },
  lambdaThrottles: {
    namespace: "AWS/Lambda",
    name: "Throttles",
    dimensions: ["FunctionName"],
    source: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
  },
  streamIteratorAge: {
    namespace: "AWS/Lambda",
    name: "IteratorAge",
    dimensions: ["FunctionName"],
    source: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
  },
} as const;

export type AwsMetricKey = keyof typeof AWS_METRICS;

/** One metric as a widget or alarm names it. */
export interface MetricRef {
  namespace: string;
  name: string;
  dimensions: Record<string, pulumi.Input<string>>;
  stat: "Maximum" | "Minimum" | "Sum" | "Average";
  label?: string;
}

function checked(
  metric: { name: string; dimensions: readonly string[] },
  dimensions: Record<string, pulumi.Input<string>>,
) {
  const given = Object.keys(dimensions).sort().join(",");
  const expected = [...metric.dimensions].sort().join(",");
  if (given !== expected) {
    throw new Error(`metric ${metric.name}: dimensions ${given} given, ${expected} expected`);
  }
}

/** A metric the program's functions emit (core/operationsMetrics.ts). */
export function programMetric(
  key: OperationsMetricKey,
  dimensions: Record<string, pulumi.Input<string>>,
  stat: MetricRef["stat"],
  label?: string,
): MetricRef {
  const metric = OPERATIONS_METRICS[key];
  checked(metric, dimensions);
  return { namespace: OPERATIONS_NAMESPACE, name: metric.name, dimensions, stat, label };
}

/** A metric an AWS service publishes (cited in {@link AWS_METRICS}). */
export function awsMetric(
  key: AwsMetricKey,
  dimensions: Record<string, pulumi.Input<string>>,
  stat: MetricRef["stat"],
  label?: string,
): MetricRef {
  const metric = AWS_METRICS[key];
  checked(metric, dimensions);
  return { namespace: metric.namespace, name: metric.name, dimensions, stat, label };
}

/** The health aggregator's metric (functions/aggregator: 1 healthy, 0 not, per region). */
export function regionHealthMetric(region: string): MetricRef {
  return {
    namespace: NAMES.healthMetricNamespace,
    name: NAMES.healthMetricName,
    dimensions: { Region: region },
    stat: "Minimum",
  };
}

/**
 * A CloudWatch SEARCH over one catalogued metric of every value of its free dimension (a kind, a
 * component), so the dashboard shows what the functions emit without a copied list of values
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html).
 */
export interface MetricSearch {
  namespace: string;
  name: string;
  /** The metric's whole dimension set, in the search's schema. */
  schema: readonly string[];
  /** Dimensions fixed to a value (the rest vary). */
  fixed: Record<string, string>;
  stat: MetricRef["stat"];
}

export function programSearch(
  key: OperationsMetricKey,
  fixed: Record<string, string>,
  stat: MetricRef["stat"],
): MetricSearch {
  const metric = OPERATIONS_METRICS[key];
  for (const name of Object.keys(fixed)) {
    if (!metric.dimensions.includes(name as never)) {
      throw new Error(`metric ${metric.name} has no dimension ${name}`);
    }
  }
  return {
    namespace: OPERATIONS_NAMESPACE,
    name: metric.name,
    schema: metric.dimensions,
    fixed,
    stat,
  };
}

/** The search's expression text. */
export function searchExpression(search: MetricSearch, periodSeconds: number): string {
  const schema = [search.namespace, ...search.schema].map((p) => `"${p}"`).join(",");
  const terms = [
    `MetricName="${search.name}"`,
    ...Object.entries(search.fixed).map(([k, v]) => `${k}="${v}"`),
  ].join(" ");
  return `SEARCH('{${schema}} ${terms}', '${search.stat}', ${periodSeconds})`;
}
