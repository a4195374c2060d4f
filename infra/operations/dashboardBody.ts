import * as pulumi from "@pulumi/pulumi";
import { MetricRef, MetricSearch, searchExpression } from "./metricRefs";

/** One graph of a dashboard: named metrics, or a search over one metric's free dimension. */
export interface Widget {
  title: string;
  metrics?: MetricRef[];
  search?: MetricSearch;
  /** A horizontal line, e.g. an alarm's threshold. */
  threshold?: { label: string; value: number };
}

/** Seconds per datapoint on the dashboards: standard resolution. */
export const DASHBOARD_PERIOD_SECONDS = 60;

/**
 * A CloudWatch dashboard body (the documented JSON: metric widgets with `metrics` arrays of
 * namespace, name, dimension pairs and options; https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html),
 * two widgets per row.
 */
export function dashboardBody(region: string, widgets: Widget[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    widgets: widgets.map((widget, index) => ({
      type: "metric",
      x: (index % 2) * 12,
      y: Math.floor(index / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title: widget.title,
        region,
        view: "timeSeries",
        period: DASHBOARD_PERIOD_SECONDS,
        metrics: [
          ...(widget.metrics ?? []).map((m) => [
            m.namespace,
            m.name,
            ...Object.entries(m.dimensions).flat(),
            { stat: m.stat, ...(m.label ? { label: m.label } : {}) },
          ]),
          ...(widget.search
            ? [
                [
                  {
                    expression: searchExpression(widget.search, DASHBOARD_PERIOD_SECONDS),
                    id: "e1",
                  },
                ],
              ]
            : []),
        ],
        ...(widget.threshold
          ? {
              annotations: {
                horizontal: [{ label: widget.threshold.label, value: widget.threshold.value }],
              },
            }
          : {}),
      },
    })),
  });
}
