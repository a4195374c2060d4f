import { rtoVerdict, type RtoBudget } from "../infra/health/budget";

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

/** How far from its budget a fail-over may measure and still match it. */
export const NEAR_BUDGET = 0.15;

/** The budget a fail-over row is judged by, and measured / budget; undefined for fail-backs. */
export function ratioToBudget(
  r: ScenarioResult,
  budget: RtoBudget,
  instructed: RtoBudget,
): { own: RtoBudget; ratio: number } | undefined {
  if (r.failback || r.rtoMs === undefined) return undefined;
  // Devices whose broker stays up move by the instruction: that path has its own budget.
  const own = (r.causes.instruction ?? 0) > 0 ? instructed : budget;
  return { own, ratio: r.rtoMs / 1000 / own.totalSeconds };
}

/**
 * The side-by-side table in Markdown (it reads as plain text on a terminal too), in the stack's seconds.
 * A fail-back row has no outage (the secondary serves meanwhile): its verdict says so whatever it
 * measured, so the row does not flip between runs.
 */
export function resultsTable(
  results: ScenarioResult[],
  budget: RtoBudget,
  /** The budget of devices moved by the reconnect instruction (infra/health/budget.ts). */
  instructed: RtoBudget,
): string {
  const rows = results.map((r, i) => {
    const rto = r.rtoMs === undefined ? undefined : r.rtoMs / 1000;
    // Devices whose broker stays up move by the instruction: that path has its own budget.
    const judged = ratioToBudget(r, budget, instructed);
    const own = judged?.own ?? ((r.causes.instruction ?? 0) > 0 ? instructed : budget);
    const ratio = judged?.ratio;
    const verdict =
      rto === undefined
        ? "DEADLINE HIT"
        : ratio === undefined
          ? "no outage (the secondary served)"
          : Math.abs(ratio - 1) <= NEAR_BUDGET
            ? `matches the budget (within ${NEAR_BUDGET * 100} %)`
            : ratio > 1
              ? "OVER the budget"
              : `under the budget by more than ${NEAR_BUDGET * 100} %`;
    const causes = Object.entries(r.causes)
      .map(([cause, n]) => `${cause} ${n}`)
      .join(", ");
    return [
      `${i + 1}`,
      r.name,
      r.to,
      rto === undefined ? "-" : fixed(rto),
      r.failback ? "-" : `${own.totalSeconds}${own === instructed ? " (instructed)" : ""}`,
      ratio === undefined ? "-" : `${Math.round(ratio * 100)} %`,
      verdict,
      r.dnsMs === undefined ? "-" : fixed(r.dnsMs / 1000),
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
    "RTO measured (s)",
    "budget (s)",
    "measured / budget",
    "verdict",
    "DNS switched after (s)",
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
    `- total: ${budget.totalSeconds} s, ${rtoVerdict(budget.totalSeconds, budget.targetSeconds)} (rtoTargetSeconds)`,
  ].join("\n");
}
