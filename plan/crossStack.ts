import { PeerResource, RegionalRuleConfig } from "../policies/config";
import { relationRules } from "../policies/rules";
import { Subject } from "../policies/rules/support";
import { PlannedResource } from "./engine";
import { PolicyPackRules, Violation, policySettings, violationOf } from "./policyRunner";
import type { StackReport } from "./stackReport";
import { UsageError } from "./stackFile";

const subjectOf = (r: PlannedResource): Subject => ({
  urn: r.urn,
  type: r.type,
  name: r.name,
  props: r.revealedState,
  region: r.region && r.region !== "global" ? r.region : undefined,
});

/** `urn:pulumi:<stack>::...` */
const stackOfUrn = (urn: string) => urn.split("::")[0].replace(/^urn:pulumi:/, "");

/**
 * What no single stack can see, judged over every stack of the plan: counterparts the per-stack
 * rules deferred (a replica, a replication, an endpoint, a failover partner, a function in the
 * other stack). Returns the violations per stack name.
 */
export function crossStackViolations(
  reports: StackReport[],
  pack: PolicyPackRules,
): Map<string, Violation[]> {
  const byStack = new Map<string, Violation[]>(reports.map((r) => [r.stack, []]));
  const add = (v: Violation) => byStack.get(stackOfUrn(v.urn))?.push(v);
  const subjects = reports.flatMap((r) => r.resources.map(subjectOf));

  for (const rule of relationRules) {
    const { level, config } = policySettings(pack, rule.policy);
    const regional = config as RegionalRuleConfig;
    // With deferral off, or the peer's resources in the config, the per-stack rule has already
    // reported the missing counterparts.
    if (level === "disabled" || regional.deferToCrossStack === false || regional.peerResources) {
      continue;
    }
    for (const finding of rule.check(subjects, regional)) {
      if (!finding.missing) continue;
      add(violationOf(pack.name, rule.policy.name, level, finding.urn, finding.message, config));
    }
  }
  return byStack;
}

/** The peer stack's resources as a pack config carries them: managed resources, secrets hidden. */
function peerResourcesOf(peers: StackReport[]): PeerResource[] {
  return peers.flatMap((report) =>
    report.resources
      .filter((r) => r.custom && !r.type.startsWith("pulumi:"))
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        ...(r.region && r.region !== "global" ? { region: r.region } : {}),
        props: r.state,
      })),
  );
}

/**
 * The `--policy-pack-config` document for `pulumi preview` of `stack`: the given config with
 * every relation rule's `peerResources` set to the other stacks' declared resources, so the CLI
 * judges the relations itself (`npm run plan -- --stack NAME --write-pack-config FILE`).
 */
export function packConfigForStack(
  reports: StackReport[],
  stack: string,
  base: Record<string, unknown>,
): Record<string, unknown> {
  // The peer the stack's config names (`<project>:peerStack`); else every other stack planned.
  const own = reports.find((r) => r.stack === stack);
  const peerStack = own?.peerStack;
  const peers = peerStack
    ? reports.filter((r) => r.stack === peerStack.split("/").pop())
    : reports.filter((r) => r.stack !== stack);
  if (peerStack && peers.length === 0) {
    throw new UsageError(
      `${own.project}:peerStack of stack ${stack} is ${JSON.stringify(peerStack)}: expected one of ` +
        `the stacks planned with it (${reports.map((r) => r.stack).join(", ")}), so its resources can go into the pack config`,
    );
  }
  const peerResources = peerResourcesOf(peers);
  const config: Record<string, unknown> = { ...base };
  for (const rule of relationRules) {
    const name = rule.policy.name;
    const given = config[name];
    // The DR pair of the stack files, as the offline plan judged with (plan/drRegions.ts).
    const regions = own?.drRegions ? { drRegions: own.drRegions } : {};
    config[name] =
      typeof given === "string"
        ? { enforcementLevel: given, ...regions, peerResources }
        : { ...(given as object | undefined), ...regions, peerResources };
  }
  return config;
}
