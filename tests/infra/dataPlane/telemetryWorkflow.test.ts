import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../../infra/config";
import { TELEMETRY_TRANSITIONS, sustainedExecutionsPerSecond } from "../../../core/workflowQuotas";
import { validRawConfig } from "../../support/config";
import { ofType, ownStack } from "../../support/ownStacks";

/**
 * The telemetry workflow: a type whose Step Functions quotas follow the fleet, and the bound on
 * messages processed in both regions (one claim per message while replication keeps up).
 */

const SECRET = new Set(["accounts"]);
const DEFAULTS = { organization: "acme", project: "iot-dr" };

interface Definition {
  StartAt: string;
  States: Record<string, { Type: string; Seconds?: number; Arguments?: Record<string, unknown> }>;
}

async function plannedWorkflow(stack: "primary" | "secondary") {
  const report = await ownStack(stack);
  const [machine] = ofType(report, "aws:sfn/stateMachine:StateMachine").filter((m) =>
    String(m.revealedInputs.name).endsWith("-workflow"),
  );
  assert.ok(machine, `${stack}: the telemetry workflow`);
  return {
    type: String(machine.revealedInputs.type),
    region: String(machine.region),
    definition: JSON.parse(String(machine.revealedInputs.definition)) as Definition,
  };
}

describe("telemetry workflow: quotas that follow the fleet", () => {
  it("runs as Express in both regions: Standard's StartExecution refill cannot follow the default peak", async () => {
    for (const stack of ["primary", "secondary"] as const) {
      const workflow = await plannedWorkflow(stack);
      assert.equal(workflow.type, "EXPRESS", stack);
      // The arithmetic: 1,000 messages a second, one execution each, 3 transitions each.
      const standard = sustainedExecutionsPerSecond(
        "STANDARD",
        workflow.region,
        TELEMETRY_TRANSITIONS,
      );
      const express = sustainedExecutionsPerSecond(
        "EXPRESS",
        workflow.region,
        TELEMETRY_TRANSITIONS,
      );
      assert.ok(standard < 1000, `Standard sustains ${standard}/s in ${workflow.region}`);
      assert.ok(express >= 1000, `Express sustains ${express}/s`);
    }
    // eu-central-1 (the example secondary): StartExecution refills 150/s, transitions 500/s / 3.
    assert.equal(sustainedExecutionsPerSecond("STANDARD", "eu-central-1", 3), 150);
    assert.equal(sustainedExecutionsPerSecond("STANDARD", "eu-west-1", 3), 300);
  });

  it("refuses, at plan time, a peak rate over what the workflow sustains, naming the quota", () => {
    const raw = validRawConfig();
    const telemetry = { ...((raw.telemetry as object) ?? {}), peakMessagesPerSecond: 6001 };
    assert.throws(
      () => parseStackConfig({ ...raw, telemetry }, SECRET, DEFAULTS),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems[0].key === "iot-dr:telemetry.peakMessagesPerSecond" &&
        /at most 6000 .*EXPRESS.*got 6001/.test(error.problems[0].message),
    );
    const fits = { ...((raw.telemetry as object) ?? {}), peakMessagesPerSecond: 6000 };
    assert.doesNotThrow(() => parseStackConfig({ ...raw, telemetry: fits }, SECRET, DEFAULTS));
  });
});

/**
 * The two regions' claims, as the planned definitions make them: each region waits its Settle
 * seconds, then puts the claim into its own replica of the global table, conditional on no claim
 * there. A replica sees the other region's claim only after the replication lag. Returns the
 * messages both regions processed.
 */
function duplicates(
  settle: { primary: number; secondary: number },
  messages: { at: number; lag: number; eventReplication: number }[],
): number[] {
  const dup: number[] = [];
  messages.forEach((m, id) => {
    const primaryClaimAt = m.at + settle.primary;
    const secondaryClaimAt = m.at + m.eventReplication + settle.secondary;
    // The secondary's conditional put fails only if the primary's claim has replicated by then.
    const primaryVisibleAtSecondary = primaryClaimAt + m.lag;
    if (primaryVisibleAtSecondary > secondaryClaimAt) dup.push(id);
  });
  return dup;
}

describe("telemetry workflow: one claim per message while replication keeps up", () => {
  it("claims each message once when the claim replicates within the secondary's settle time, and documents the bound beyond it", async () => {
    const primary = await plannedWorkflow("primary");
    const secondary = await plannedWorkflow("secondary");
    const settleOf = (d: Definition) =>
      d.StartAt === "Settle" ? (d.States.Settle.Seconds ?? 0) : 0;
    const settle = {
      primary: settleOf(primary.definition),
      secondary: settleOf(secondary.definition),
    };
    assert.equal(settle.primary, 0);
    assert.ok(settle.secondary > 0);
    for (const d of [primary.definition, secondary.definition]) {
      assert.equal(
        (d.States.Claim.Arguments as { ConditionExpression?: string }).ConditionExpression,
        "attribute_not_exists(messageId)",
      );
    }
    // Global tables replicate "typically within a second"; anything up to the settle time is safe.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const within = Array.from({ length: 2000 }, (_, i) => ({
      at: i * 0.01,
      lag: random() * settle.secondary,
      eventReplication: random() * 2,
    }));
    assert.deepEqual(duplicates(settle, within), []);
    // Beyond it (a region impaired), the duplicates are exactly the messages whose claim lagged
    // more than the settle time: the bound docs/telemetry-replication.md states.
    const impaired = within.map((m, i) => ({
      ...m,
      lag: i % 4 === 0 ? settle.secondary + 5 : m.lag,
    }));
    const dup = duplicates(settle, impaired);
    assert.ok(dup.length > 0);
    assert.ok(dup.every((id) => impaired[id].lag > settle.secondary));
    assert.ok(dup.length <= impaired.filter((m) => m.lag > settle.secondary).length);
  });
});
