import { strict as assert } from "assert";
import { regionSwitchHealthChecks } from "../../plan/mocks/regionSwitchHealthChecks";
import { checkStatus, failoverAnswer } from "../support/aws/route53";
import { ownStack } from "../support/ownStacks";
import { PlannedFailover, plannedFailover } from "../support/plannedFailover";

/**
 * The PRIMARY record's gate against every state the Region switch plan's health checks can be in,
 * from the planned checks of both stacks (the Route 53 part of the fail-over contract,
 * tests/contracts/failover.test.ts). AWS does not say which state those checks start in before
 * the first plan execution (docs/runbook.md, "First deploy"), so every pair is tried with both
 * regions healthy: any equal pair must leave DNS on the primary, and only the pair a fail-over
 * execution leaves (primary's check unhealthy, secondary's healthy) may move it.
 */

type State = "healthy" | "unhealthy" | "unknown";
const STATES: State[] = ["healthy", "unhealthy", "unknown"];

describe("fail-over from the plan: the Region switch gate in every initial state", function () {
  this.timeout(300_000);
  let plan: PlannedFailover;
  /** The Region switch checks of the IoT domain: made for the primary and the secondary region. */
  let rs: { primary: string; secondary: string };

  before(async () => {
    plan = await plannedFailover();
    const primary = await ownStack("primary");
    const [planned] = primary.resources.filter((r) => r.type === "aws:arcregionswitch/plan:Plan");
    assert.ok(planned, "the primary stack plans a Region switch plan");
    const checks = regionSwitchHealthChecks(
      String(planned.revealedState.arn),
      planned.revealedInputs,
    );
    const domain = plan.iotRecords[0].name;
    const of = (region: string) => {
      const found = checks.filter((c) => c.recordName === domain && c.region === region);
      assert.equal(found.length, 1, `one Region switch check for ${domain} in ${region}`);
      return found[0].healthCheckId;
    };
    rs = { primary: of(plan.regions.primary.region), secondary: of(plan.regions.secondary.region) };
  });

  /**
   * The DNS answer with both regions' own checks healthy and the plan's checks in the given states.
   * A check without data: Route 53 counts a new check healthy until it has data
   * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating.html); as
   * that is not said of Region switch's checks, `unknown` is tried both ways.
   */
  const answer = (p: State, s: State, unknownHealthy: boolean) => {
    const status = (state: State) => (state === "unknown" ? unknownHealthy : state === "healthy");
    const planned = new Set(
      Object.values(plan.regions).flatMap((r) => [r.check.id, r.endpointCheck.id]),
    );
    const leaf = (id: string) => {
      if (id === rs.primary) return status(p);
      if (id === rs.secondary) return status(s);
      if (planned.has(id)) return true;
      throw new Error(`the gate follows a check neither planned nor Region switch's: ${id}`);
    };
    return failoverAnswer(plan.iotRecords, (id) => checkStatus(id, plan.calculatedChecks, leaf))
      .failover;
  };

  it("follows both of Region switch's checks of the device domain from the PRIMARY record", () => {
    const record = plan.iotRecords.find((r) => r.failover === "PRIMARY")!;
    const reached = new Set<string>();
    const walk = (id: string) => {
      reached.add(id);
      for (const child of plan.calculatedChecks[id]?.children ?? []) walk(child);
    };
    walk(record.healthCheckId!);
    assert.ok(reached.has(rs.primary) && reached.has(rs.secondary), [...reached].join(", "));
  });

  for (const unknownHealthy of [true, false]) {
    for (const p of STATES) {
      for (const s of STATES) {
        const resolved = (state: State) =>
          state === "unknown" ? (unknownHealthy ? "healthy" : "unhealthy") : state;
        const failedOver = resolved(p) === "unhealthy" && resolved(s) === "healthy";
        const expected = failedOver ? "SECONDARY" : "PRIMARY";
        it(`answers ${expected} with Region switch's checks primary ${p}, secondary ${s} (unknown counted ${unknownHealthy ? "healthy" : "unhealthy"})`, () => {
          assert.equal(answer(p, s, unknownHealthy), expected);
          if (p === s) assert.equal(expected, "PRIMARY", "an equal pair never fails over");
        });
      }
    }
  }

  it("still fails over on a primary outage in every state that leaves DNS to the regions", () => {
    // The primary region's metric check unhealthy, the plan's checks as each execution leaves
    // them or as they may start.
    for (const [p, s] of [
      ["healthy", "healthy"],
      ["unhealthy", "unhealthy"],
      ["healthy", "unhealthy"],
    ] as const) {
      const leaf = (id: string) =>
        id === rs.primary
          ? p === "healthy"
          : id === rs.secondary
            ? s === "healthy"
            : id !== plan.regions.primary.check.id;
      const chosen = failoverAnswer(plan.iotRecords, (id) =>
        checkStatus(id, plan.calculatedChecks, leaf),
      );
      assert.equal(chosen.failover, "SECONDARY", `plan's checks primary ${p}, secondary ${s}`);
    }
  });
});
