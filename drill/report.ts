import { rtoVerdict, type RtoBudget } from "../components/failover/budget";

/** What one scenario measured. */
export interface ScenarioResult {
  name: string;
  /** Region every device must end up publishing in. */
  to: string;
  /** Back to the primary: the secondary serves meanwhile, so the time is no outage. */
  failback: boolean;
  /** How devices reach the new region, and so which budget judges the row. */
  path: "disconnect" | "instruction" | "silent";
  /** False when the failure was injected and nothing noticed it (no fail-over at all). */
  detected?: boolean;
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

/** The budgets of the paths a scenario can take (components/failover/budget.ts). */
export interface PathBudgets {
  budget: RtoBudget;
  instructed: RtoBudget;
  silent: RtoBudget;
}

const ownBudget = (r: ScenarioResult, b: PathBudgets) =>
  r.path === "instruction" ? b.instructed : r.path === "silent" ? b.silent : b.budget;

/** The budget a fail-over row is judged by, and measured / budget; undefined for fail-backs. */
export function ratioToBudget(
  r: ScenarioResult,
  budgets: PathBudgets,
): { own: RtoBudget; ratio: number } | undefined {
  if (r.failback || r.rtoMs === undefined) return undefined;
  const own = ownBudget(r, budgets);
  return { own, ratio: r.rtoMs / 1000 / own.totalSeconds };
}

/**
 * The side-by-side table in Markdown (it reads as plain text on a terminal too), in the stack's
 * seconds. A budget is an upper bound: a fail-over passes when it measures at most its path's
 * budget. A fail-back row has no outage (the secondary serves meanwhile): its verdict says so
 * whatever it measured, so the row does not flip between runs.
 */
export function resultsTable(results: ScenarioResult[], budgets: PathBudgets): string {
  const rows = results.map((r, i) => {
    const rto = r.rtoMs === undefined ? undefined : r.rtoMs / 1000;
    const judged = ratioToBudget(r, budgets);
    const own = judged?.own ?? ownBudget(r, budgets);
    const ratio = judged?.ratio;
    const verdict =
      r.detected === false
        ? "NOT DETECTED: no fail-over (docs/failover.md)"
        : rto === undefined
          ? "DEADLINE HIT"
          : ratio === undefined
            ? "no outage (the secondary served)"
            : ratio <= 1
              ? "within the budget"
              : "OVER the budget";
    const causes = Object.entries(r.causes)
      .map(([cause, n]) => `${cause} ${n}`)
      .join(", ");
    return [
      `${i + 1}`,
      r.name,
      r.to,
      rto === undefined ? "-" : fixed(rto),
      r.failback ? "-" : `${own.totalSeconds}${r.path === "disconnect" ? "" : ` (${r.path})`}`,
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
