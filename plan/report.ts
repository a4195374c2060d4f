import { PlannedResource } from "./engine";
import { StackReport, isBlocking } from "./run";

const ACCOUNT_REGION_TYPE = "iotdr:accounts:AccountRegion";

/**
 * The component a resource is counted under: its top-most component ancestor below the
 * account-region grouping, so a reader sees "registry", not every nested helper.
 */
function componentOf(resource: PlannedResource, byUrn: Map<string, PlannedResource>): string {
  let label = resource.type.startsWith("pulumi:providers:")
    ? "(providers)"
    : resource.custom
      ? "(no component)"
      : `${resource.name} (${resource.type})`;
  for (
    let parent = byUrn.get(resource.parent ?? "");
    parent;
    parent = byUrn.get(parent.parent ?? "")
  ) {
    if (parent.type === ACCOUNT_REGION_TYPE) break;
    label = `${parent.name} (${parent.type})`;
  }
  return label;
}

/** A name for each account: the account-region components name them in our program. */
function accountLabels(resources: PlannedResource[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const r of resources) {
    if (r.type === ACCOUNT_REGION_TYPE && r.account) {
      labels.set(r.account, typeof r.inputs.account === "string" ? r.inputs.account : "");
    }
  }
  return labels;
}

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** The preview a person reads: per stack, resources by account, region and component, then policies. */
export function renderText(reports: StackReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
    const labels = accountLabels(report.resources);
    const tree = new Map<string, Map<string, Map<string, Map<string, number>>>>();
    for (const r of report.resources) {
      if (r.type === ACCOUNT_REGION_TYPE) continue;
      const account = r.account ?? "(no AWS account)";
      const region = r.region ?? "(no region)";
      const regions = tree.get(account) ?? new Map<string, Map<string, Map<string, number>>>();
      const components = regions.get(region) ?? new Map<string, Map<string, number>>();
      const component = componentOf(r, byUrn);
      const types = components.get(component) ?? new Map<string, number>();
      increment(types, r.type);
      components.set(component, types);
      regions.set(region, components);
      tree.set(account, regions);
    }
    const accounts = [...tree.keys()].filter((a) => /^\d{12}$/.test(a));
    const regions = new Set(
      report.resources.map((r) => r.region).filter((r) => r && r !== "global"),
    );
    lines.push(
      `Stack ${report.stack} (project ${report.project}): ${report.resources.length} resources, ` +
        `${accounts.length} account(s), region(s) ${[...regions].join(", ") || "none"}`,
    );
    for (const [account, regionMap] of tree) {
      const label = labels.get(account);
      lines.push(`  account ${account}${label ? ` (${label})` : ""}`);
      for (const [region, components] of regionMap) {
        lines.push(`    ${region}`);
        for (const [component, types] of components) {
          const total = [...types.values()].reduce((a, b) => a + b, 0);
          lines.push(`      ${component}: ${total}`);
          for (const [type, count] of types) lines.push(`        ${count} x ${type}`);
        }
      }
    }
    lines.push(...renderBudget(report.outputs));
    const outputs = Object.keys(report.outputs);
    lines.push(`  outputs: ${outputs.length ? outputs.join(", ") : "none"}`);
    const mandatory = report.violations.filter(isBlocking).length;
    const exempted = report.violations.filter((v) => v.exemption !== undefined).length;
    lines.push(
      `  policies: ${mandatory} mandatory, ${report.violations.length - mandatory - exempted} advisory violation(s)` +
        (exempted ? `, ${exempted} exempted` : ""),
    );
    for (const v of report.violations) {
      const level = v.exemption === undefined ? v.enforcementLevel : `exempted: ${v.exemption}`;
      lines.push(`    [${level}] ${v.policyPack}/${v.policy}: ${v.message}`);
      if (v.urn) lines.push(`      ${v.urn}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

interface PrintedBudget {
  terms: { name: string; seconds: number; from: string }[];
  totalSeconds: number;
  targetSeconds: number;
  withinTarget: boolean;
}

/** The RTO budget and RPO per data path, where the program exports them as `rto` and `rpo`. */
function renderBudget(outputs: Record<string, unknown>): string[] {
  const rto = outputs.rto as PrintedBudget | undefined;
  if (!rto?.terms) return [];
  const lines = [
    `  RTO budget: ${rto.totalSeconds} s worst case, target ${rto.targetSeconds} s (${rto.withinTarget ? "fits" : "OVER"})`,
    ...rto.terms.map((t) => `    ${String(t.seconds).padStart(5)} s  ${t.name} (${t.from})`),
  ];
  const rpo = outputs.rpo as { path: string; seconds: number | null; why: string }[] | undefined;
  if (Array.isArray(rpo)) {
    lines.push("  RPO per data path:");
    for (const entry of rpo) {
      const seconds = entry.seconds === null ? "unbounded" : `${entry.seconds} s`;
      lines.push(`    ${entry.path}: ${seconds} (${entry.why})`);
    }
  }
  return lines;
}
