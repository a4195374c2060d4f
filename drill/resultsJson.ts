import stringify from "safe-stable-stringify";
import type { DrillOutcome } from "./run";
import type { DrillSettings } from "./settings";

/**
 * The drill's results as JSON with sorted keys (safe-stable-stringify), so the same seed gives
 * the same bytes: the rows of the table, the budgets they are judged by and the failures.
 */
export function resultsJson(settings: DrillSettings, outcome: DrillOutcome): string {
  const budget = (b: DrillOutcome["budget"]) => ({
    totalSeconds: b.totalSeconds,
    targetSeconds: b.targetSeconds,
    terms: b.terms.map((t) => ({ name: t.name, seconds: t.seconds })),
  });
  return `${stringify(
    {
      devices: settings.devices,
      seed: settings.seed,
      stackFile: settings.stackFile,
      budget: budget(outcome.budget),
      instructedBudget: budget(outcome.instructed),
      silentBudget: budget(outcome.silent),
      scenarios: outcome.results,
      summary: outcome.summary,
      failures: outcome.failures,
    },
    null,
    2,
  )}\n`;
}
