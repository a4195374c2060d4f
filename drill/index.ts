/**
 * The fail-over drill: two "regions" on loopback, a Route 53 stand-in fed by the real aggregator
 * logic, and N devices on the failover client. Measures RTO, acknowledged messages lost and
 * duplicates per scenario against the RTO budget of the same settings.
 * Run: npm run drill [-- --devices N --scale F --seed S --stack FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { format } from "prettier";
import { instructedRtoBudget, ROUTE53_REACTION_SECONDS, rtoBudget } from "../infra/health/budget";
import { DEFAULT_HYSTERESIS } from "../functions/aggregator/decision";
import {
  ANSWER_MAX_WAIT_SECONDS,
  ANSWER_POLL_SECONDS,
  awaitAnswer,
} from "../functions/reconnect/answer";
import { executePlan } from "../functions/reconnect/execute";
import type { DevicesPort } from "../functions/reconnect/iot";
import { alarmFromAction, planReconnect } from "../functions/reconnect/instruction";
import { Route53Answer } from "../functions/reconnect/route53Answer";
import { FailoverDns, srvResolver } from "./failoverDns";
import { Fleet } from "./fleet";
import { HealthMonitor, type HealthEvent } from "./health";
import { connectedSvg, type Marker, type Sample } from "./plot";
import { PROBE_THING, probeRegion } from "./probe";
import { Region } from "./region";
import { progressOn } from "../plan/progress";
import {
  budgetLines,
  NEAR_BUDGET,
  ratioToBudget,
  resultsTable,
  type ScenarioResult,
} from "./report";
import { AnalyticsSink } from "./sink";
import { drillSettings, seededRandom, USAGE, type DrillSettings } from "./settings";

const TELEMETRY = "telemetry/";
const ID_FIELD = "msgId";
/** The drill stops itself after this, whatever happens. */
const HARD_DEADLINE_MS = 170_000;
const PROBE_TIMEOUT_FLOOR_MS = 1000;
const CONNECT_TIMEOUT_FLOOR_MS = 2000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` every `everyMs` until it holds or the deadline passes: bounded by both. */
async function waitFor(done: () => boolean, deadlineAt: number, everyMs = 20): Promise<boolean> {
  const maxPolls = Math.ceil((deadlineAt - Date.now()) / everyMs) + 1;
  for (let i = 0; i < maxPolls && Date.now() < deadlineAt; i++) {
    if (done()) return true;
    await sleep(everyMs);
  }
  return done();
}

async function run(settings: DrillSettings): Promise<number> {
  const { stack, scale } = settings;
  const ms = (seconds: number) => (seconds * 1000) / scale;
  const random = seededRandom(settings.seed);
  const rtoInputs = {
    ...stack.health,
    ttlSeconds: stack.ttlSeconds,
    rtoTargetSeconds: stack.rtoTargetSeconds,
  };
  const budget = rtoBudget(rtoInputs);
  const instructed = instructedRtoBudget(rtoInputs);
  const started = Date.now();
  const progress = progressOn(process.stderr, true);
  const hardDeadline = started + HARD_DEADLINE_MS;
  // A scenario may take twice its worst case, no more.
  const scenarioMs = ms(2 * Math.max(budget.totalSeconds, instructed.totalSeconds)) + 3000;

  const deviceIds = Array.from(
    { length: settings.devices },
    (_, i) => `device-${String(i + 1).padStart(4, "0")}`,
  );
  const registry = new Set([...deviceIds, PROBE_THING]);
  const sink = new AnalyticsSink(ID_FIELD);
  const primary = new Region("primary", registry, TELEMETRY, (m) => sink.receive(m));
  const secondary = new Region("secondary", registry, TELEMETRY, (m) => sink.receive(m));
  await primary.start();
  await secondary.start();
  const regionOf = (port: number) =>
    port === primary.port ? primary.name : port === secondary.port ? secondary.name : "unknown";

  const flips: HealthEvent[] = [];
  const instructions: { at: number; region: string; delivered: boolean; answered: boolean }[] = [];

  // The reconnect function: the alarm Route 53 follows invokes it as it changes state (its Lambda
  // action), and the real function's plan, wait for the answer and message builder decide what
  // goes to which region and when, so the drill sends exactly what production would; only the IoT
  // calls are the drill's (publish into its broker), and it asks the drill's DNS stand-in.
  const regionsByName = new Map([primary, secondary].map((r) => [r.name, r]));
  const drillDevices: DevicesPort = {
    async publish(region, topic, payload) {
      if (!(await regionsByName.get(region)?.publish(topic, payload))) {
        throw new Error(`${region}: broker down, instruction not delivered`);
      }
    },
    // Displacing sessions (option 2) is not a drill scenario: the instruction alone is measured.
    connectedClients: () => Promise.resolve([]),
    disconnect: () => Promise.resolve(),
  };
  const reconnectSettings = {
    primaryRegion: primary.name,
    secondaryRegion: secondary.name,
    topic: stack.health.reconnect.topic,
    domain: stack.iotDomain,
    jitterSeconds: stack.health.deviceReconnectSeconds,
    displaceSessions: false,
  };
  /** The function's view of Route 53: set once the DNS stand-in listens. */
  const answer: { port?: Route53Answer } = {};
  const waitClock = { now: () => Date.now(), sleep };
  const reconnectFunction = (event: HealthEvent) => {
    const alarm = alarmFromAction({
      alarmData: {
        alarmName: "iot-dr-health-primary",
        state: {
          value: event.healthy ? "OK" : "ALARM",
          reason: event.healthy ? "primary healthy again" : event.reasons.join("; "),
          timestamp: new Date(event.at).toISOString(),
        },
        previousState: { value: event.healthy ? "ALARM" : "OK" },
      },
    });
    const plan = planReconnect(alarm, reconnectSettings);
    const port = answer.port;
    if (!plan || !port) return;
    void awaitAnswer(
      plan.towards,
      port,
      waitClock,
      ms(ANSWER_POLL_SECONDS),
      ms(ANSWER_MAX_WAIT_SECONDS),
    ).then(async (wait) => {
      const outcome = await executePlan(plan, drillDevices);
      instructions.push({
        at: Date.now(),
        region: plan.leave,
        delivered: outcome.published,
        answered: wait.answered,
      });
    });
  };
  // Route 53 follows the alarm after its reaction time (the budget's term), not at once.
  let route53Healthy = true;
  const route53Timers = new Set<NodeJS.Timeout>();
  const onAlarmChange = (event: HealthEvent) => {
    reconnectFunction(event);
    const timer = setTimeout(() => {
      route53Timers.delete(timer);
      route53Healthy = event.healthy;
      onHealthChange({ ...event, at: Date.now() });
    }, ms(ROUTE53_REACTION_SECONDS));
    route53Timers.add(timer);
  };
  const onHealthChange = (event: HealthEvent) => {
    flips.push(event);
    progress.stage(
      `DNS now answers ${event.healthy ? "PRIMARY" : "SECONDARY"}; connected ${connectedNow()}`,
    );
  };
  const monitor = new HealthMonitor(
    {
      roundMs: ms(stack.health.aggregatorIntervalSeconds),
      // At least a second of wall time: one process plays regions, DNS and fleet, and its
      // event-loop stalls must not read as a failed region. No scenario hangs a probe (a dead
      // broker refuses at once), so the floor does not change what is measured.
      probeTimeoutMs: Math.max(PROBE_TIMEOUT_FLOOR_MS, ms(stack.health.probeTimeoutSeconds)),
      alarmPeriodMs: ms(stack.health.alarmPeriodSeconds),
      evaluationPeriods: stack.health.alarmEvaluationPeriods,
      hysteresis: DEFAULT_HYSTERESIS,
    },
    (timeoutMs) => probeRegion(primary, timeoutMs),
    hardDeadline,
    onAlarmChange,
  );
  const dns = new FailoverDns(
    stack.iotDomain,
    stack.ttlSeconds,
    { name: `primary.${stack.iotDomain}`, endpoint: { host: "127.0.0.1", port: primary.port } },
    { name: `secondary.${stack.iotDomain}`, endpoint: { host: "127.0.0.1", port: secondary.port } },
    () => route53Healthy,
  );
  const dnsAddress = await dns.start();
  answer.port = new Route53Answer({
    domain: stack.iotDomain,
    zoneName: stack.iotDomain,
    primaryRegion: primary.name,
    primaryTarget: `primary.${stack.iotDomain}`,
    nameServers: [`${dnsAddress.host}:${dnsAddress.port}`],
  });

  // Floored like the probe timeout: a loaded event loop must not turn a slow CONNACK into a
  // reconnect storm. A dead endpoint refuses at once, so the floor does not lengthen a fail-over.
  const connectTimeoutMs = Math.max(CONNECT_TIMEOUT_FLOOR_MS, ms(10));
  const fleet = new Fleet(
    settings.devices,
    (clientId) => ({
      domain: stack.iotDomain,
      clientId,
      resolver: srvResolver(dnsAddress, connectTimeoutMs),
      resolveIntervalMs: Math.round(ms(settings.resolveSeconds)),
      backoff: {
        initialMs: Math.max(1, Math.round(ms(1))),
        maxMs: Math.max(1, Math.round(ms(stack.health.deviceReconnectSeconds))),
      },
      reconnect: { maxAttempts: 500, deadlineMs: Math.round(scenarioMs) },
      connectTimeoutMs,
      // The client's default instruction topic, as a device ships: a function that publishes
      // elsewhere fails the instructed scenario instead of being papered over here.
      maxInstructionSpreadMs: Math.round(ms(stack.health.deviceReconnectSeconds)),
      drainTimeoutMs: Math.round(ms(2)),
      timeScale: scale,
      random,
    }),
    regionOf,
    TELEMETRY,
    Math.ceil(HARD_DEADLINE_MS / ms(settings.publishSeconds)),
  );

  const regions = [primary.name, secondary.name];
  const connectedNow = () =>
    Object.entries(fleet.connectedPer(regions))
      .map(([region, n]) => `${region} ${n}`)
      .join(", ");
  const samples: Sample[] = [];
  const markers: Marker[] = [];
  const sampleEveryMs = 50;
  let sampleCount = 0;
  const sampler = setInterval(() => {
    if (++sampleCount > HARD_DEADLINE_MS / sampleEveryMs) return clearInterval(sampler);
    // Wall-clock ms here; the plot gets stack seconds since the outage at the end.
    samples.push({ t: Date.now(), counts: fleet.connectedPer(regions) });
  }, sampleEveryMs);

  // One process plays both regions, DNS and the fleet: its event-loop stalls delay the probes.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  let lagMaxMs = 0;
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  try {
    await fleet.start(ms(settings.publishSeconds), random);
    // The aggregator starts on a connected fleet, as in production where it always runs.
    monitor.start();
    lag.enable();
    const warm = await waitFor(
      () => deviceIds.every((id) => sink.firstIn(id, primary.name, started) !== undefined),
      Math.min(hardDeadline, Date.now() + scenarioMs),
    );
    if (!warm) failures.push("warm-up: not every device published in the primary region in time");

    const scenario = async (
      name: string,
      to: Region,
      inject: () => Promise<void> | void,
      byInstruction = false,
    ) => {
      const failback = to === primary;
      if (failures.length) return;
      // A failure is injected at the budget's worst instant: just after a round published a
      // healthy value, so the last failed round's 0 lands just after an alarm period boundary and
      // the whole period passes. Fail-backs start at once.
      if (!failback) await sleep(msToWorstInstant());
      const t0 = Date.now();
      progress.stage(`scenario ${results.length + 1}: ${name}; connected ${connectedNow()}`);
      markers.push({ t: t0, label: `${results.length + 1}: ${name}` });
      if (!failback) {
        // Devices that move by the instruction have that path's budget.
        const own = byInstruction ? instructed : budget;
        markers.push({
          t: t0 + ms(own.totalSeconds),
          label: `#${results.length + 1} budget ${own.totalSeconds} s`,
          kind: "budget",
        });
      }
      await inject();
      const deadline = Math.min(hardDeadline, t0 + scenarioMs);
      const done = await waitFor(
        () => deviceIds.every((id) => sink.firstIn(id, to.name, t0) !== undefined),
        deadline,
      );
      const last = done
        ? Math.max(...deviceIds.map((id) => sink.firstIn(id, to.name, t0) ?? t0))
        : undefined;
      const flip = flips.find((f) => f.at >= t0);
      const causes: Record<string, number> = {};
      for (const id of deviceIds) {
        const move = fleet.moves.find((m) => m.clientId === id && m.at >= t0 && m.to === to.name);
        const cause = move?.cause ?? "not moved";
        causes[cause] = (causes[cause] ?? 0) + 1;
      }
      results.push({
        name,
        to: to.name,
        failback,
        rtoMs: last === undefined ? undefined : last - t0,
        dnsMs: flip ? flip.at - t0 : undefined,
        acked: 0,
        lost: 0,
        duplicates: 0,
        causes,
      });
      progress.stage(
        `scenario ${results.length}: ${done ? `every device publishes in ${to.name}` : "deadline hit"}; connected ${connectedNow()}`,
      );
      if (!done)
        failures.push(
          `scenario "${name}": deadline hit before every device published in ${to.name}`,
        );
      if (byInstruction && causes.instruction !== settings.devices) {
        failures.push(
          `scenario "${name}": expected every device to move by the reconnect instruction, got ${JSON.stringify(causes)}`,
        );
      }
      // Let the last in-flight acknowledgements land and the plot show the plateau.
      await sleep(Math.max(300, ms(10)));
      return t0;
    };

    const msToWorstInstant = () => {
      const round = ms(stack.health.aggregatorIntervalSeconds);
      const period = ms(stack.health.alarmPeriodSeconds);
      const lead = DEFAULT_HYSTERESIS.failAfterRounds * round - round / 2;
      const sinceStart = Date.now() - monitor.startedAt;
      const next = Math.ceil((sinceStart + lead) / period) * period - lead;
      return next - sinceStart;
    };
    const starts: number[] = [];
    const push = (t0: number | undefined) => t0 !== undefined && starts.push(t0);
    push(await scenario("primary broker killed", secondary, () => primary.kill()));
    push(
      await scenario("fail-back after the broker recovered", primary, async () => {
        await primary.start();
      }),
    );
    push(
      await scenario(
        "primary application unhealthy, broker up",
        secondary,
        () => {
          primary.appHealthy = false;
        },
        true,
      ),
    );
    push(
      await scenario("fail-back after the application recovered", primary, () => {
        primary.appHealthy = true;
      }),
    );

    fleet.stopPublishing();
    lagMaxMs = lag.max / 1e6;
    lag.disable();
    const drained = await waitFor(
      () => fleet.unacknowledged() === 0,
      Math.min(hardDeadline, Date.now() + scenarioMs),
    );
    if (!drained)
      failures.push(
        `drain: ${fleet.unacknowledged()} messages still unacknowledged at the deadline`,
      );
    // Attribute acknowledged, lost and duplicated messages to the scenario they happened in.
    const windowOf = (at: number) => {
      let index = -1;
      for (const [i, t0] of starts.entries()) if (at >= t0) index = i;
      return index;
    };
    let lostTotal = 0;
    for (const [id, at] of fleet.acked) {
      const w = windowOf(at);
      const lost = !sink.has(id);
      if (lost) lostTotal += 1;
      if (w >= 0) {
        results[w].acked += 1;
        if (lost) results[w].lost += 1;
      }
    }
    for (const duplicate of sink.duplicates) {
      const w = windowOf(duplicate.at);
      if (w >= 0) results[w].duplicates += 1;
    }
    if (flips.length !== results.length) {
      failures.push(
        `the health check changed ${flips.length} times in ${results.length} scenarios: probes timed out under load (event-loop delay max ${lagMaxMs.toFixed(0)} ms); run with a lower --scale`,
      );
    }
    if (lostTotal) failures.push(`${lostTotal} acknowledged messages never reached analytics`);
    if (fleet.exhausted) {
      const reasons = [...fleet.failures.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([reason, n]) => `${n}x ${reason}`)
        .join("; ");
      failures.push(`${fleet.exhausted} devices exhausted their reconnect bounds (${reasons})`);
    }

    // The drill's claim: each fail-over measures within 15 % of the budget of its path.
    for (const r of results) {
      const judged = ratioToBudget(r, budget, instructed, scale);
      if (judged && Math.abs(judged.ratio - 1) > NEAR_BUDGET) {
        failures.push(
          `scenario "${r.name}": measured ${Math.round(judged.ratio * 100)} % of its ${judged.own.totalSeconds} s budget, not within ${NEAR_BUDGET * 100} % (event-loop delay max ${(lag.max / 1e6).toFixed(0)} ms; on a busy machine run with a lower --scale)`,
        );
      }
    }
    const left = await fleet.stop();
    const table = resultsTable(results, budget, instructed, settings);
    const summary = [
      `devices ${settings.devices}, scale ${scale} (1 drill s = ${scale} stack s), seed ${settings.seed}, settings from ${settings.stackFile}`,
      `messages acknowledged ${fleet.acked.size}, lost ${lostTotal}, duplicates seen ${sink.duplicates.length} (dropped by the dedupe helper ${sink.dropped}), unacknowledged at stop ${left}`,
      `aggregator rounds ${monitor.rounds} (${monitor.skipped} skipped while a probe ran), health check changes ${flips.length}, reconnect instructions ${instructions.map((i) => `${i.region}${i.delivered ? "" : " (broker down, not delivered)"}${i.answered ? "" : " (sent without the new answer)"}`).join(", ") || "none"}`,
      `wall time ${((Date.now() - started) / 1000).toFixed(1)} s, event-loop delay max ${lagMaxMs.toFixed(0)} ms (probe timeout ${Math.max(PROBE_TIMEOUT_FLOOR_MS, ms(stack.health.probeTimeoutSeconds)).toFixed(0)} ms)`,
    ];
    for (const flip of flips) {
      markers.push({
        t: flip.at,
        label: flip.healthy ? "DNS: PRIMARY" : "DNS: SECONDARY",
      });
    }
    const outage = starts[0] ?? started;
    const sinceOutage = (at: number) => ((at - outage) / 1000) * scale;
    const svg = connectedSvg(
      samples.map((sample) => ({ ...sample, t: sinceOutage(sample.t) })),
      regions,
      markers.map((marker) => ({ ...marker, t: sinceOutage(marker.t) })),
      `Connected devices per region (${settings.devices} devices, scale ${scale})`,
      scale,
    );
    mkdirSync(settings.outDir, { recursive: true });
    writeFileSync(join(settings.outDir, "connected.svg"), svg);
    // Formatted like the rest of the repository, so a committed run passes `prettier --check`.
    const resultsMd = await format(
      markdown(table, summary, budget, instructed, settings, failures),
      { parser: "markdown", printWidth: 100 },
    );
    writeFileSync(join(settings.outDir, "results.md"), resultsMd);
    console.log(table);
    console.log("");
    for (const line of summary) console.log(line);
    console.log(
      `\nRTO budgets of these settings (infra/health/budget.ts, the ones \`npm run plan\` prints):\n${budgetLines(budget)}\n${budgetLines(instructed)}`,
    );
    console.log(
      `\nwrote ${join(settings.outDir, "results.md")} and ${join(settings.outDir, "connected.svg")}`,
    );
    console.log(
      `a larger fleet: npm run drill -- --devices 200 --scale 5 (a lower scale keeps the one process's event-loop stalls small against the scaled timings)`,
    );
  } finally {
    clearInterval(sampler);
    for (const timer of route53Timers) clearTimeout(timer);
    monitor.stop();
    await fleet.stop();
    await dns.close();
    await primary.kill();
    await secondary.kill();
  }
  for (const failure of failures) console.error(`DRILL FAILED: ${failure}`);
  const probeMs = Math.max(PROBE_TIMEOUT_FLOOR_MS, ms(stack.health.probeTimeoutSeconds));
  if (lagMaxMs > probeMs / 2) {
    console.error(
      `note: the event loop stalled up to ${lagMaxMs.toFixed(0)} ms against a probe timeout of ${probeMs.toFixed(0)} ms; if the health flapped, run with a lower --scale`,
    );
  }
  return failures.length ? 1 : 0;
}

function markdown(
  table: string,
  summary: string[],
  budget: ReturnType<typeof rtoBudget>,
  instructed: ReturnType<typeof rtoBudget>,
  settings: DrillSettings,
  failures: string[],
): string {
  const h = settings.stack.health;
  const settingsLine = [
    `TTL ${settings.stack.ttlSeconds} s`,
    `aggregator every ${h.aggregatorIntervalSeconds} s (fails after ${DEFAULT_HYSTERESIS.failAfterRounds} rounds, recovers after ${DEFAULT_HYSTERESIS.recoverAfterRounds})`,
    `probe timeout ${h.probeTimeoutSeconds} s`,
    `alarm ${h.alarmPeriodSeconds} s x ${h.alarmEvaluationPeriods}`,
    `device backoff up to ${h.deviceReconnectSeconds} s`,
    `reconnect function invoked by the alarm Route 53 follows, asking DNS every ${ANSWER_POLL_SECONDS} s`,
  ].join(", ");
  return `# Fail-over drill results

Made by \`npm run drill\` (${settings.devices} devices, scale ${settings.scale}, seed ${settings.seed}).
Settings from \`${settings.stackFile}\`: ${settingsLine}.

${table}

${summary.map((line) => `- ${line}`).join("\n")}

RTO budgets of the same settings (\`infra/health/budget.ts\`):
${budgetLines(budget)}

${budgetLines(instructed)}

Fail-overs are injected at the budget's worst instant (just after a healthy round, so the whole alarm period passes) and Route 53 follows the alarm after the budget's ${ROUTE53_REACTION_SECONDS} s reaction term. Where devices move by the reconnect instruction, the same alarm invokes the reconnect function, which waits until the DNS stand-in answers the secondary before it publishes. A fail-back has no outage: the secondary serves until the devices move.

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
    console.error((error as Error).message);
    if (!(error as Error).message.includes(USAGE)) console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const watchdog = setTimeout(() => {
    console.error(`DRILL FAILED: hard deadline of ${HARD_DEADLINE_MS / 1000} s hit`);
    process.exit(1);
  }, HARD_DEADLINE_MS + 10_000);
  watchdog.unref();
  process.exitCode = await run(settings);
  console.log(`exit ${process.exitCode} at ${new Date().toISOString()}`);
}

void main();
