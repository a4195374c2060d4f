import { strict as assert } from "assert";
import * as path from "path";
import type { PlannedResource, StackPlan } from "../../plan/engine";
import { ROOT } from "../support/ownStacks";
import { sharedPlanStackFile } from "../support/sampleStack";
import { under } from "./support";

const PROGRAM = path.join(ROOT, "tests", "programs", "two-copies");

/**
 * Inputs that hold a resource's physical name (what AWS keys it by in an account and region):
 * two resources of one type with one value there cannot both exist.
 */
const NAME_INPUTS = ["name", "namePrefix", "bucket", "bucketPrefix", "functionName", "roleName"];

/** Each physical name a resource claims, as `<type> <account> <region> <input>=<value>`. */
function claims(resource: PlannedResource): string[] {
  const out: string[] = [];
  const where = `${resource.type} ${resource.account} ${resource.region}`;
  for (const key of NAME_INPUTS) {
    const value = resource.revealedInputs[key];
    if (typeof value === "string") out.push(`${where} ${key}=${value}`);
  }
  // The CloudWatch namespace a function emits its metrics to: two copies must not mix them.
  const environment = resource.revealedInputs.environment as
    { variables?: Record<string, unknown> } | undefined;
  for (const key of ["METRICS_NAMESPACE", "METRIC_NAMESPACE"]) {
    const namespace = environment?.variables?.[key];
    if (typeof namespace === "string") out.push(`${where} ${key}=${namespace}`);
  }
  // The Multi-Region Access Point's name sits in its details.
  const details = resource.revealedInputs.details as { name?: unknown } | undefined;
  if (typeof details?.name === "string") out.push(`${where} details.name=${details.name}`);
  return out;
}

describe("two copies of each component in one account and region pair", () => {
  let plan: StackPlan;
  before(async () => {
    plan = await sharedPlanStackFile(PROGRAM, "two-copies", "dev");
  });

  for (const [component, type] of [
    ["plane", "ReplicatedIotPlane"],
    ["events", "GlobalEventBus"],
    ["documents", "MultiRegionBucket"],
    ["status", "CrossAccountPrivateApi"],
    ["failover", "RegionFailover"],
  ] as const) {
    it(`${type}: no physical name of one copy is the other's`, () => {
      const copy = (team: string) => {
        const root = plan.resources.find((r) => r.name === `${team}-${component}` && !r.custom);
        assert.ok(root, `no ${team}-${component}`);
        const named = under(plan.resources, root)
          .filter((r) => r.custom)
          .flatMap(claims);
        assert.ok(named.length > 0, `${team}-${component} names nothing`);
        return new Set(named);
      };
      const blue = copy("blue");
      const shared = [...copy("green")].filter((claim) => blue.has(claim));
      assert.deepEqual(shared, [], "names both copies claim");
    });
  }
});
