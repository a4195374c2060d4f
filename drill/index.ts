/**
 * The fail-over drill's command: runs drill/run.ts on a virtual clock with the seeded PRNG (same
 * seed, same table and results.json), then prints the table and writes results.md,
 * results.json and connected.svg to --out (an ignored folder by default).
 * Run: npm run drill [-- --devices N --seed S --stack FILE --out DIR]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { HEALTH_CHECKER_INTERVAL_SECONDS } from "./aws/route53Checker";
import { DEFAULT_HYSTERESIS } from "../functions/aggregator/decision";
import { ANSWER_POLL_SECONDS } from "../functions/reconnect/answer";
import { progressOn } from "../plan/progress";
import { connectedSvg } from "./plot";
import { budgetLines, resultsTable } from "./report";
import { resultsJson } from "./resultsJson";
import { runDrill, type DrillOutcome } from "./run";
import { drillSettings, seededRandom, USAGE, type DrillSettings } from "./settings";
import { onVirtualTime } from "./virtualTime";

/** Real time the whole run may take before the watchdog ends it (it takes seconds). */
const WATCHDOG_MS = 300_000;
/** Timers the virtual clock fires at most: far above a 2000-device run's. */
const MAX_TIMER_STEPS = 20_000_000;

/** The drill on the virtual clock, every random draw from the seed: what the tests run. */
export async function drillOnVirtualTime(
  settings: DrillSettings,
  progress = progressOn(process.stderr, false),
): Promise<DrillOutcome & { steps: number }> {
  const random = seededRandom(settings.seed);
  const { value, steps } = await onVirtualTime(random, MAX_TIMER_STEPS, () =>
    runDrill(settings, random, progress),
  );
  return { ...value, steps };
}

async function run(settings: DrillSettings): Promise<number> {
  const wallStarted = performance.now();
  const outcome = await drillOnVirtualTime(settings, progressOn(process.stderr, true));
  const wallSeconds = (performance.now() - wallStarted) / 1000;
  const { results, budget, instructed, silent, summary, failures } = outcome;
  const table = resultsTable(results, { budget, instructed, silent });
  const svg = connectedSvg(
    outcome.samples,
    outcome.regions,
    outcome.markers,
    `Connected devices per region (${settings.devices} devices, seed ${settings.seed})`,
  );
  mkdirSync(settings.outDir, { recursive: true });
  writeFileSync(join(settings.outDir, "connected.svg"), svg);
  writeFileSync(join(settings.outDir, "results.json"), resultsJson(settings, outcome));
  // Formatted like the rest of the repository, so a copied run passes `prettier --check`.
  const resultsMd = await format(markdown(table, settings, outcome), {
    parser: "markdown",
    printWidth: 100,
  });
  writeFileSync(join(settings.outDir, "results.md"), resultsMd);
  console.log(table);
  console.log("");
  for (const line of summary) console.log(line);
  console.log(
    `wall time ${wallSeconds.toFixed(1)} s (${outcome.steps} timers on the virtual clock)`,
  );
  console.log(
    `\nRTO budgets of these settings (components/failover/budget.ts, the ones \`npm run plan\` prints):\n${budgetLines(budget)}\n${budgetLines(instructed)}\n${budgetLines(silent)}`,
  );
  console.log(
    `\nwrote ${["results.md", "results.json", "connected.svg"].map((f) => join(settings.outDir, f)).join(", ")}`,
  );
  for (const failure of failures) console.error(`DRILL FAILED: ${failure}`);
  return failures.length ? 1 : 0;
}

function markdown(table: string, settings: DrillSettings, outcome: DrillOutcome): string {
  const h = settings.stack.health;
  const settingsLine = [
    `TTL ${settings.stack.ttlSeconds} s`,
    `aggregator every ${h.aggregatorIntervalSeconds} s (fails after ${DEFAULT_HYSTERESIS.failAfterRounds} rounds, recovers after ${DEFAULT_HYSTERESIS.recoverAfterRounds})`,
    `probe timeout ${h.probeTimeoutSeconds} s`,
    `alarm ${h.alarmPeriodSeconds} s x ${h.alarmEvaluationPeriods}`,
    `instruction spread ${h.deviceReconnectSeconds} s`,
    "devices on the shipped client's defaults",
    `reconnect function invoked by the alarm Route 53 follows, asking DNS every ${ANSWER_POLL_SECONDS} s`,
  ].join(", ");
  const { failures } = outcome;
  return `# Fail-over drill results

Made by \`npm run drill -- --devices ${settings.devices} --seed ${settings.seed}\` on a virtual clock (the same seed gives this file again).
Settings from \`${settings.stackFile}\`: ${settingsLine}.

${table}

${outcome.summary.map((line) => `- ${line}`).join("\n")}

RTO budgets of the same settings (\`components/failover/budget.ts\`):
${budgetLines(outcome.budget)}

${budgetLines(outcome.instructed)}

${budgetLines(outcome.silent)}

Fail-overs are injected at the budget's worst instant (just after a healthy round, so the whole alarm period passes; a silence just after a period's first sample). The alarm is evaluated by CloudWatch's documented rules (drill/aws/cloudWatchAlarm.ts), Route 53's TCP checkers of the IoT endpoint by its guide's (drill/aws/route53EndpointCheck.ts: one checker per health-checker region, the planned interval and failure threshold, healthy while more than 18% of them say so), and Route 53 reads the record's calculated check of both every ${HEALTH_CHECKER_INTERVAL_SECONDS} s, its standard health-checker interval (drill/aws/route53Checker.ts): none reads a budget term. Where devices move by the reconnect instruction, the same alarm invokes the reconnect function, which waits until the DNS stand-in answers the secondary before it publishes. A budget is an upper bound: a fail-over passes when it takes at most its path's budget. A fail-back has no outage: the secondary serves until the devices move.

![connected devices per region](connected.svg)

${failures.length ? `**Failed:**\n${failures.map((f) => `- ${f}`).join("\n")}\n` : "Result: passed (no acknowledged message lost, no deadline hit).\n"}`;
}

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    console.log(USAGE);
    return;
  }
  let settings: DrillSettings;
  try {
    settings = drillSettings(process.argv.slice(2));
  } catch (error) {
    // One line: what is wrong and where the usage is.
    console.error(`drill: ${(error as Error).message}; usage: npm run drill -- --help`);
    process.exitCode = 2;
    return;
  }
  const watchdog = setTimeout(() => {
    console.error(`DRILL FAILED: not done after ${WATCHDOG_MS / 1000} s of real time`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  process.exitCode = await run(settings);
  console.log(`exit ${process.exitCode}`);
}

if (require.main === module) void main();
