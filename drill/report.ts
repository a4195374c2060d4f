import type { RtoBudget } from "../infra/health/budget";
import type { DrillSettings } from "./settings";

/** What one scenario measured. */
export interface ScenarioResult {
  name: string;
  /** Region every device must end up publishing in. */
  to: string;
  /** Back to the primary: the secondary serves meanwhile, so the time is no outage. */
  failback: boolean;
  /** Failure (or recovery) injected until the last device published there; undefined: deadline hit. */
  rtoMs?: number;
  /** Injection until the DNS answer changed. */
  dnsMs?: number;
  acked: number;
  lost: number;
  duplicates: number;
  /** Devices per cause of their connection to `to`. */
  causes: Record<string, number>;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** The side-by-side table in Markdown (it reads as plain text on a terminal too). */
export function resultsTable(
  results: ScenarioResult[],
  budget: RtoBudget,
  settings: DrillSettings,
): string {
  const scale = settings.scale;
  const budgetDrill = budget.totalSeconds / scale;
  const rows = results.map((r, i) => {
    const rtoDrill = r.rtoMs === undefined ? undefined : r.rtoMs / 1000;
    const verdict =
      rtoDrill === undefined
        ? "DEADLINE HIT"
        : rtoDrill <= budgetDrill
          ? "yes"
          : r.failback
            ? "over (no outage: the secondary serves)"
            : "NO (over)";
    const causes = Object.entries(r.causes)
      .map(([cause, n]) => `${cause} ${n}`)
      .join(", ");
    return [
      `${i + 1}`,
      r.name,
      r.to,
      rtoDrill === undefined ? "-" : fixed(rtoDrill, 2),
      fixed(budgetDrill, 2),
      rtoDrill === undefined ? "-" : fixed(rtoDrill * scale),
      `${budget.totalSeconds}`,
      verdict,
      r.dnsMs === undefined ? "-" : fixed((r.dnsMs / 1000) * scale),
      `${r.acked}`,
      `${r.lost}`,
      `${r.duplicates}`,
      causes || "-",
    ];
  });
  const header = [
    "#",
    "scenario",
    "devices to",
    "RTO measured (drill s)",
    "budget / scale (drill s)",
    "RTO measured x scale (stack s)",
    "budget (stack s)",
    "within budget",
    "DNS switched after (stack s)",
    "acked msgs",
    "acked lost",
    "duplicates seen",
    "devices moved by",
  ];
  const lines = [header, header.map(() => "---"), ...rows].map(
    (cells) => `| ${cells.join(" | ")} |`,
  );
  return lines.join("\n");
}

export function budgetLines(budget: RtoBudget): string {
  const terms = budget.terms.map((t) => `- ${t.name}: ${t.seconds} s (${t.from})`);
  return [
    ...terms,
    `- total: ${budget.totalSeconds} s (target ${budget.targetSeconds} s, ${budget.withinTarget ? "within" : "OVER"} target)`,
  ].join("\n");
}
