import { operationsSummary } from "./operationsSummary";
import { PlannedResource } from "./engine";
import { Violation } from "./policyRunner";
import { StackReport, isBlocking } from "./run";
import { rtoVerdict } from "../components/failover/budget";

/**
 * The closing summary a person reads at a glance (about 40 lines for our two stacks): per stack
 * the verdict, resources by component, each violation with its resource, rule and fix, exempted
 * ones with the pack config's reason, and the RTO/RPO budget as a table against the target.
 * The full resource tree is `renderTree` (--verbose).
 */

const WIDTH = 100;

interface PrintedTerm {
  name: string;
  seconds: number;
  from: string;
  basis?: string;
  source?: string;
}
interface PrintedBudget {
  path?: string;
  terms: PrintedTerm[];
  totalSeconds: number;
  targetSeconds: number;
  withinTarget: boolean;
}
interface PrintedRpo {
  path: string;
  seconds: number | null;
}

/** A component's short name: the last part of its type (`iot-dr:health:HealthAggregator`). */
function componentName(resource: PlannedResource, byUrn: Map<string, PlannedResource>): string {
  let name = resource.type.startsWith("pulumi:providers:") ? "providers" : "(top level)";
  for (
    let parent = byUrn.get(resource.parent ?? "");
    parent && parent.type !== "pulumi:pulumi:Stack";
    parent = byUrn.get(parent.parent ?? "")
  ) {
    // The account-region grouping holds everything: the component below it says more.
    if (parent.type !== "iotdr:accounts:AccountRegion") name = parent.type.split(":").pop()!;
  }
  return name;
}

/** Words joined by ", " and wrapped at the summary's width under an indent. */
function wrap(indent: string, head: string, words: string[]): string[] {
  const lines: string[] = [];
  let line = `${indent}${head}`;
  for (const [i, word] of words.entries()) {
    const piece = word + (i < words.length - 1 ? "," : "");
    if (line.length + piece.length + 1 > WIDTH && line.trim() !== head.trim()) {
      lines.push(line);
      line = `${indent}  ${piece}`;
    } else {
      line += line.endsWith(" ") ? piece : ` ${piece}`;
    }
  }
  lines.push(line);
  return lines;
}

/** At most two lines of "component count", the largest first; the rest summed (--verbose has all). */
function componentLines(byCount: [string, number][]): string[] {
  for (let shown = byCount.length; shown > 0; shown--) {
    const rest = byCount.slice(shown);
    const tail = rest.length
      ? [`${rest.length} more (${rest.reduce((n, [, c]) => n + c, 0)} resources)`]
      : [];
    const lines = wrap("  ", "by component:", [
      ...byCount.slice(0, shown).map(([name, n]) => `${name} ${n}`),
      ...tail,
    ]);
    if (lines.length <= 2) return lines;
  }
  return wrap("  ", "by component:", [`${byCount.length} components`]);
}

/** The last part of a URN: the resource's name. */
const resourceName = (urn: string) => urn.split("::").pop() ?? urn;

function violationLine(v: Violation): string {
  const where = v.urn ? resourceName(v.urn) : "(stack)";
  if (v.exemption !== undefined) {
    return `    exempted   ${v.policy} on ${where}: ${v.exemption}`;
  }
  const level = isBlocking(v) ? "MANDATORY" : v.enforcementLevel;
  return `    ${level.padEnd(10)} ${v.policy} on ${where}: ${v.message}`;
}

/**
 * Exempted lines of one rule and one reason become one line naming every resource, so a reason
 * that covers a group (one region's reconnect path) is read once.
 */
function groupedExemptions(lines: string[]): string[] {
  const grouped = new Map<string, string[]>();
  const out: (string | { key: string })[] = [];
  for (const line of lines) {
    const match = /^( {4}exempted {3}\S+ on )(\S+)(: .*)$/.exec(line);
    if (!match) {
      out.push(line);
      continue;
    }
    const key = `${match[1]}\u0000${match[3]}`;
    if (!grouped.has(key)) out.push({ key });
    grouped.set(key, [...(grouped.get(key) ?? []), match[2]]);
  }
  return byResources(
    out.map((entry) => {
      if (typeof entry === "string") return entry;
      const [head, reason] = entry.key.split("\u0000");
      return `${head}${(grouped.get(entry.key) ?? []).join(", ")}${reason}`;
    }),
  );
}

/**
 * Exempted lines of the same resources become one line naming every rule, with each distinct
 * reason once: a resource exempted from two rules (one region's bucket) is read once.
 */
function byResources(lines: string[]): string[] {
  const grouped = new Map<string, { rules: string[]; reasons: string[] }>();
  const out: (string | { key: string })[] = [];
  for (const line of lines) {
    const match = /^ {4}exempted {3}(\S+) on (\S+(?:, \S+)*): (.*)$/.exec(line);
    if (!match) {
      out.push(line);
      continue;
    }
    const [, rule, resources, reason] = match;
    const entry = grouped.get(resources);
    if (!entry) {
      out.push({ key: resources });
      grouped.set(resources, { rules: [rule], reasons: [reason] });
      continue;
    }
    entry.rules.push(rule);
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
  }
  return out.map((entry) => {
    if (typeof entry === "string") return entry;
    const { rules, reasons } = grouped.get(entry.key)!;
    return `    exempted   ${rules.join(", ")} on ${entry.key}: ${reasons.join("; ")}`;
  });
}

/** A budget printed as a column beside the main one. */
interface BudgetColumn {
  label: string;
  budget: PrintedBudget;
  note: string;
}

/**
 * Where a term's figure comes from, short enough for a row: an AWS page by its file name (all
 * are under https://docs.aws.amazon.com/; `--json` has the full addresses), a module by its path.
 */
export function shortSource(source: string | undefined): string {
  if (!source) return "(no source)";
  const url = /^https:\/\/docs\.aws\.amazon\.com\/\S*?([^/#]+)(#\S*)?$/.exec(source);
  return url ? url[1] : source.split(" ")[0];
}

/**
 * The budget as a table: one row per term, a column of seconds per path ("-" where a path does
 * not spend it), how the figure is known (aws, setting, conservative) and where it comes from.
 */
function budgetTable(rto: PrintedBudget, columns: BudgetColumn[]): string[] {
  const all = [rto, ...columns.map((c) => c.budget)];
  const nameWidth = Math.max(5, ...all.flatMap((b) => b.terms.map((t) => t.name.length)));
  const widths = columns.map((c) => Math.max(7, c.label.length + 2));
  const row = (term: string, seconds: string, others: string[], tail: string) =>
    `    ${term.padEnd(nameWidth)}  ${seconds.padStart(7)}${others.map((o, i) => o.padStart(widths[i])).join("")}  ${tail}`.trimEnd();
  const secondsIn = (budget: PrintedBudget, name: string) => {
    const term = budget.terms.find((t) => t.name === name);
    return term === undefined ? "-" : String(term.seconds);
  };
  const lines = [
    `  RTO budget, worst case: ${rto.totalSeconds} s, ${rtoVerdict(rto.totalSeconds, rto.targetSeconds)} (rtoTargetSeconds)`,
    row(
      "term",
      "seconds",
      columns.map((c) => c.label),
      "basis         source (AWS pages under https://docs.aws.amazon.com/)",
    ),
  ];
  // Terms in the order the paths list them, each once.
  const seen = new Set<string>();
  for (const budget of all) {
    for (const term of budget.terms) {
      if (seen.has(term.name)) continue;
      seen.add(term.name);
      lines.push(
        row(
          term.name,
          secondsIn(rto, term.name),
          columns.map((c) => secondsIn(c.budget, term.name)),
          `${(term.basis ?? "").padEnd(12)}  ${shortSource(term.source)}`,
        ),
      );
    }
  }
  lines.push(
    row(
      "total",
      String(rto.totalSeconds),
      columns.map((c) => String(c.budget.totalSeconds)),
      `target ${rto.targetSeconds}`,
    ),
  );
  for (const column of columns) {
    lines.push(
      `    ${column.label}: ${column.note}, ${rtoVerdict(column.budget.totalSeconds, column.budget.targetSeconds)}`,
    );
  }
  return lines;
}

function rpoLine(rpo: PrintedRpo[]): string[] {
  return wrap(
    "  ",
    "RPO:",
    rpo.map((e) => `${e.path} ${e.seconds === null ? "unbounded" : `${e.seconds} s`}`),
  );
}

/** One block per stack, then one verdict line for the run. */
export function renderSummary(reports: StackReport[]): string {
  const lines: string[] = [];
  let previousBudget: { stack: string; text: string } | undefined;
  let previousExemptions = { stack: "", lines: new Set<string>() };
  for (const report of reports) {
    const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
    const blocking = report.violations.filter(isBlocking);
    const exempted = report.violations.filter((v) => v.exemption !== undefined);
    const advisory = report.violations.length - blocking.length - exempted.length;
    const accounts = new Set(report.resources.map((r) => r.account).filter(Boolean));
    const regions = new Set(
      report.resources.map((r) => r.region).filter((r) => r && r !== "global"),
    );
    const verdict = blocking.length ? `FAIL (${blocking.length} mandatory)` : "PASS";
    lines.push(
      `Stack ${report.stack}: ${verdict}; ${advisory} advisory, ${exempted.length} exempted; ` +
        `${report.resources.length} resources, ${accounts.size} account(s), ${[...regions].join(", ") || "no region"}`,
    );
    const counts = new Map<string, number>();
    for (const r of report.resources) {
      if (!r.custom) continue;
      const name = componentName(r, byUrn);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const byCount = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(...componentLines(byCount));
    // Blocking first: what stops the deploy is what a reader needs first.
    const ordered = [
      ...blocking,
      ...report.violations.filter((v) => !isBlocking(v) && v.exemption === undefined),
      ...exempted,
    ];
    if (ordered.length)
      lines.push("  violations (rule on resource: fix, or the exemption's reason):");
    // An exemption the previous stack printed (same rule, resource and reason) is not repeated.
    const violationLines = groupedExemptions(ordered.map(violationLine));
    const repeated = violationLines.filter(
      (l) => l.startsWith("    exempted") && previousExemptions.lines.has(l),
    );
    lines.push(...violationLines.filter((l) => !repeated.includes(l)));
    if (repeated.length > 0) {
      lines.push(`    exempted   ${repeated.length} more, as in stack ${previousExemptions.stack}`);
    }
    previousExemptions = {
      stack: report.stack,
      lines: new Set(violationLines.filter((l) => l.startsWith("    exempted"))),
    };

    const rto = report.outputs.rto as PrintedBudget | undefined;
    if (rto?.terms) {
      const instructed = report.outputs.rtoInstructed as PrintedBudget | undefined;
      const silent = report.outputs.rtoSilent as PrintedBudget | undefined;
      const columns: BudgetColumn[] = [];
      if (instructed?.terms) {
        columns.push({
          label: "instr.",
          budget: instructed,
          note: "broker up, devices moved by the reconnect instruction",
        });
      }
      if (silent?.terms) {
        columns.push({
          label: "silent",
          budget: silent,
          note: "a region dead with its aggregator, seen by the endpoint check",
        });
      }
      const rpo = report.outputs.rpo as PrintedRpo[] | undefined;
      const block = [...budgetTable(rto, columns), ...(Array.isArray(rpo) ? rpoLine(rpo) : [])];
      const text = block.join("\n");
      // Both stacks usually share the settings: say so instead of printing the table twice.
      if (previousBudget?.text === text) {
        lines.push(
          `  RTO budget ${rto.totalSeconds} s, ${rtoVerdict(rto.totalSeconds, rto.targetSeconds)}: same table as stack ${previousBudget.stack}`,
        );
      } else {
        lines.push(...block);
        previousBudget = { stack: report.stack, text };
      }
    }
    // Between stacks only: the summary must fit one screen (40 lines, tests/plan/cli.test.ts).
    if (report !== reports[reports.length - 1]) lines.push("");
  }
  lines.push(...operationsSummary(reports));
  const failing = reports.filter((r) => r.violations.some(isBlocking)).map((r) => r.stack);
  lines.push(
    failing.length
      ? `Verdict: FAIL, mandatory violations in ${failing.join(", ")} (exit 1)`
      : `Verdict: PASS, no mandatory violation in ${reports.map((r) => r.stack).join(", ")}`,
    "Resource tree by account and region: --verbose; machine-readable: --json",
  );
  return `${lines.join("\n")}\n`;
}
