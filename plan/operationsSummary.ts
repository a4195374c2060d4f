import { costLines, costSources, estimateCost, usd } from "./costEstimate";
import type { StackReport } from "./run";

/** What the program exports as `operations` (infra/operations/index.ts). */
export interface PrintedOperations {
  readinessCompares?: string[];
  /** Settings the readiness check compares, named in the one-line summary. */
  readinessSettings?: string[];
  /** The fleet size the cost estimate assumes (operations.fleetDevices). */
  fleetDevices?: number;
  /** Whether the Region switch plan is deployed, or why not. */
  regionSwitch?: string;
}

const WIDTH = 100;

/** `text` broken at spaces into lines of at most {@link WIDTH}, the first after `head`. */
export function wrapText(indent: string, head: string, text: string): string[] {
  const lines: string[] = [];
  let line = `${indent}${head}`;
  for (const word of text.split(" ")) {
    if (line.length + word.length + 1 > WIDTH && line.trim() !== head.trim()) {
      lines.push(line);
      line = `${indent}  ${word}`;
    } else {
      line += line.endsWith(" ") || line === "" ? word : ` ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

const operationsOf = (report: StackReport) =>
  report.outputs.operations as PrintedOperations | undefined;

/** The summary's operations lines, once for all stacks (the summary must fit one screen). */
export function operationsSummary(reports: StackReport[]): string[] {
  const first = reports.map(operationsOf).find((o) => o?.readinessCompares);
  if (!first) return [];
  const estimates = reports
    .filter((r) => operationsOf(r)?.fleetDevices)
    .map((r) => ({
      stack: r.stack,
      estimate: estimateCost(r.resources, operationsOf(r)!.fleetDevices!),
    }));
  const costs = estimates.map(({ stack, estimate }) => `${stack} ${usd(estimate.usd)}`);
  const unpriced = [...new Set(estimates.flatMap(({ estimate }) => estimate.unpriced))];
  // One line: the summary must fit one screen (tests/plan/cli.test.ts); the estimate's items, and
  // each price with its page and the date it was read, are --verbose's.
  return [
    `Operations: readiness compares counts, a sample and ${first.readinessSettings?.length ?? 0} IoT settings; ` +
      `cost a month for ${(first.fleetDevices ?? 0).toLocaleString("en-US")} devices: ${costs.join(", ")}` +
      `${unpriced.length ? ` + ${unpriced.length} items not priced` : ""} (items, prices and their sources: --verbose)`,
  ];
}

/** The operations details of each stack, for --verbose. */
export function operationsDetail(reports: StackReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    const operations = operationsOf(report);
    if (!operations?.readinessCompares) continue;
    lines.push(`Operations of stack ${report.stack}`);
    lines.push("  Readiness check, scheduled in this region, compares:");
    for (const item of operations.readinessCompares) lines.push(...wrapText("    ", "-", item));
    if (operations.regionSwitch)
      lines.push(...wrapText("  ", "Region switch:", operations.regionSwitch));
    if (operations.fleetDevices) {
      lines.push(...costLines(estimateCost(report.resources, operations.fleetDevices)));
    }
    lines.push("");
  }
  if (lines.length) lines.push(...costSources(), "");
  return lines.length ? `${lines.join("\n")}\n` : "";
}
