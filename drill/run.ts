/**
 * The fail-over drill itself: two in-memory "regions", a Route 53 stand-in fed by the real
 * aggregator logic, and N devices on the failover client, in the stack's own seconds. It does no
 * real I/O (brokers, DNS and connections are in memory), so on a virtual clock
 * (./virtualTime.ts) the same seed gives the same events; drill/index.ts writes the outputs.
 */
import {
  instructedRtoBudget,
  rtoBudget,
  silentAggregatorRtoBudget,
} from "../components/failover/budget";
import { Route53RecordCheck } from "./aws/route53Checker";
import { EndpointCheck, HEALTH_CHECKER_REGIONS, runCheckers } from "./aws/route53EndpointCheck";
import { DEFAULT_HYSTERESIS, ENDPOINT_CHECK } from "../core/healthTiming";
import {
  ANSWER_MAX_WAIT_SECONDS,
  ANSWER_POLL_SECONDS,
  awaitAnswer,
} from "../functions/reconnect/answer";
import { executePlan } from "../functions/reconnect/execute";
import type { DevicesPort } from "../functions/reconnect/iot";
import { alarmFromAction, planReconnect } from "../functions/reconnect/instruction";
import type { Endpoint } from "@iot-dr/device-client";
import { FailoverDns } from "./failoverDns";
import { Fleet } from "./fleet";
import { HealthMonitor, type HealthEvent } from "./health";
import type { Marker, Sample } from "./plot";
import { PROBE_THING, probeRegion } from "./probe";
import { Region } from "./region";
import type { Progress } from "../plan/progress";
import { ratioToBudget, type ScenarioResult } from "./report";
import { refusedStream } from "./memoryLink";
import { AnalyticsSink } from "./sink";
import { runStatusAlarm } from "./statusAlarm";
import type { DrillSettings, StackSettings } from "./settings";

const TELEMETRY = "telemetry/";
/** The partial outage: the health check's rules round trip sees it; its losses are reported. */
const RULES_ENGINE_DOWN = "partial outage: rules engine down, broker up";
const ID_FIELD = "msgId";
/** The drill stops itself after this much (virtual) time, whatever happens. */
export const HARD_DEADLINE_MS = 1_700_000;
/** The plot's sampling step. */
const SAMPLE_EVERY_MS = 500;
/** How often the drill looks whether a scenario is done (the RTO is timed by the sink). */
const POLL_MS = 200;

type Budget = ReturnType<typeof rtoBudget>;

/** Everything a drill measured: the same for the same settings and seed. */
export interface DrillOutcome {
  results: ScenarioResult[];
  budget: Budget;
  instructed: Budget;
  silent: Budget;
  /** Summary lines of the run (counts only: no machine timing). */
  summary: string[];
  failures: string[];
  /** Connected devices per region over time, and the plot's markers; t in seconds since the outage. */
  samples: Sample[];
  markers: Marker[];
  regions: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` every POLL_MS until it holds or the deadline passes: bounded by both. */
async function waitFor(done: () => boolean, deadlineAt: number): Promise<boolean> {
  const maxPolls = Math.ceil((deadlineAt - Date.now()) / POLL_MS) + 1;
  for (let i = 0; i < maxPolls && Date.now() < deadlineAt; i++) {
    if (done()) return true;
    await sleep(POLL_MS);
  }
  return done();
}

/**
 * The budgets a drill is judged by: components/failover/budget.ts on the stack file's settings, the
 * functions and inputs the program uses for the `rto` and `rtoInstructed` outputs the plan prints.
 */
export function drillBudgets(stack: StackSettings): {
  budget: Budget;
  instructed: Budget;
  silent: Budget;
} {
  const rtoInputs = {
    ...stack.health,
    ttlSeconds: stack.ttlSeconds,
    rtoTargetSeconds: stack.rtoTargetSeconds,
  };
  return {
    budget: rtoBudget(rtoInputs),
    instructed: instructedRtoBudget(rtoInputs),
    silent: silentAggregatorRtoBudget(rtoInputs),
  };
}

export async function runDrill(
  settings: DrillSettings,
  random: () => number,
  progress: Progress,
): Promise<DrillOutcome> {
  const { stack } = settings;
  const ms = (seconds: number) => seconds * 1000;
  const { budget, instructed, silent } = drillBudgets(stack);
  const started = Date.now();
  const hardDeadline = started + HARD_DEADLINE_MS;
  // A scenario may take twice its worst case, no more.
  const scenarioMs =
    ms(2 * Math.max(budget.totalSeconds, instructed.totalSeconds, silent.totalSeconds)) + 3000;

  const deviceIds = Array.from(
    { length: settings.devices },
    (_, i) => `device-${String(i + 1).padStart(4, "0")}`,
  );
  const registry = new Set([...deviceIds, PROBE_THING]);
  const sink = new AnalyticsSink(ID_FIELD);
  const endpointOf = (name: string): Endpoint => ({
    host: `${name}.${stack.iotDomain}`,
    port: 8883,
  });
  const primary = new Region("primary", endpointOf("primary"), registry, TELEMETRY, (m) =>
    sink.receive(m),
  );
  const secondary = new Region("secondary", endpointOf("secondary"), registry, TELEMETRY, (m) =>
    sink.receive(m),
  );
  const regionsByName = new Map([primary, secondary].map((r) => [r.name, r]));
  const regionAt = (endpoint: Endpoint) =>
    [primary, secondary].find((r) => r.endpoint.host === endpoint.host);
  await primary.start();
  await secondary.start();

  const flips: HealthEvent[] = [];
  const instructions: { at: number; region: string; delivered: boolean; answered: boolean }[] = [];

  // The reconnect function: the alarm Route 53 follows invokes it as it changes state (its Lambda
  // action), and the real function's plan, wait for the answer and message builder decide what
  // goes to which region and when, so the drill sends exactly what production would; only the IoT
  // calls are the drill's (publish into its broker), and it asks the drill's DNS stand-in.
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
  // Route 53 follows the record's calculated check as AWS describes it (./aws/route53Checker.ts):
  // the aggregator's alarm and Route 53's own TCP check of the IoT endpoint, whose checkers
  // (./aws/route53EndpointCheck.ts) run the planned interval and threshold; never a budget term.
  const monitorRef: { current?: HealthMonitor } = {};
  const endpointCheck = new EndpointCheck({
    requestInterval: ENDPOINT_CHECK.requestIntervalSeconds,
    failureThreshold: ENDPOINT_CHECK.failureThreshold,
  });
  const route53 = new Route53RecordCheck(
    () => monitorRef.current?.alarmState ?? "OK",
    () => endpointCheck.isHealthy,
    (healthy) => onHealthChange({ at: Date.now(), healthy, reasons: [] }),
  );
  const dns = new FailoverDns(
    stack.iotDomain,
    stack.ttlSeconds,
    { name: primary.endpoint.host, endpoint: primary.endpoint },
    { name: secondary.endpoint.host, endpoint: secondary.endpoint },
    () => route53.healthy,
  );
  const answerPort = dns.answerPort(primary.name);
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
    if (!plan) return;
    void awaitAnswer(
      plan.towards,
      answerPort,
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
  // The alarm's Lambda action: the reconnect function starts as the alarm changes.
  const onAlarmChange = (event: HealthEvent) => reconnectFunction(event);
  const onHealthChange = (event: HealthEvent) => {
    flips.push(event);
    progress.stage(
      `DNS now answers ${event.healthy ? "PRIMARY" : "SECONDARY"}; connected ${connectedNow()}`,
    );
  };
  const monitor = new HealthMonitor(
    {
      roundMs: ms(stack.health.aggregatorIntervalSeconds),
      probeTimeoutMs: ms(stack.health.probeTimeoutSeconds),
      alarmPeriodMs: ms(stack.health.alarmPeriodSeconds),
      evaluationPeriods: stack.health.alarmEvaluationPeriods,
      hysteresis: DEFAULT_HYSTERESIS,
    },
    (timeoutMs) => probeRegion(primary, timeoutMs),
    hardDeadline,
    onAlarmChange,
  );
  monitorRef.current = monitor;

  const fleet = new Fleet(
    settings.devices,
    (clientId) => ({
      domain: stack.iotDomain,
      clientId,
      resolver: dns.resolver(),
      // In memory: the endpoint DNS answered, or refused as TCP refuses a dead broker's port.
      transport: (endpoint) =>
        regionAt(endpoint)?.connect() ?? refusedStream(`${endpoint.host}:${endpoint.port}`),
      resolveIntervalMs: ms(settings.resolveSeconds),
      // The shipped client's defaults (back-off, connect timeout, instruction spread ceiling,
      // drain, instruction topic): the drill measures what a device ships with, and a function
      // that publishes elsewhere fails the instructed scenario instead of being papered over.
      random,
    }),
    (endpoint) => regionAt(endpoint)?.name ?? "unknown",
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
  let sampleCount = 0;
  const sampler = setInterval(() => {
    if (++sampleCount > HARD_DEADLINE_MS / SAMPLE_EVERY_MS) return clearInterval(sampler);
    samples.push({ t: Date.now(), counts: fleet.connectedPer(regions) });
  }, SAMPLE_EVERY_MS);

  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  const summary: string[] = [];
  const starts: number[] = [];
  let stopCheckers = () => undefined as void;
  const stopTriggers: (() => void)[] = [];
  try {
    await fleet.start(ms(settings.publishSeconds), random);
    // The aggregator starts on a connected fleet, as in production where it always runs.
    monitor.start();
    route53.start(hardDeadline);
    // The checkers do not coordinate: each on its own phase of the interval.
    const phases = HEALTH_CHECKER_REGIONS.map(() =>
      Math.floor(random() * ENDPOINT_CHECK.requestIntervalSeconds * 1000),
    );
    stopCheckers = runCheckers(
      endpointCheck,
      phases,
      // A dead broker's port refuses, as the devices' transport below does.
      () => (primary.up ? "connected" : "refused"),
      hardDeadline,
      () => undefined,
    );
    const stopStatusAlarm = runStatusAlarm(
      () => route53.healthy,
      hardDeadline,
      (healthy, at) => reconnectFunction({ at, healthy, reasons: ["the record's check changed"] }),
    );
    stopTriggers.push(stopStatusAlarm);
    const warm = await waitFor(
      () => deviceIds.every((id) => sink.firstIn(id, primary.name, started) !== undefined),
      Math.min(hardDeadline, Date.now() + scenarioMs),
    );
    if (!warm) failures.push("warm-up: not every device published in the primary region in time");

    /**
     * Where the next failure lands: just after a healthy round, so the last failed round's 0
     * lands just after a period boundary and a whole alarm period passes; for a silent
     * aggregator, just after its sample of a period's first round, so the last sample sits at a
     * period's start. Periods are aligned to the clock, as CloudWatch's are.
     */
    const msToWorstInstant = (silence = false) => {
      const round = ms(stack.health.aggregatorIntervalSeconds);
      const period = ms(stack.health.alarmPeriodSeconds);
      const lead = silence ? 0 : DEFAULT_HYSTERESIS.failAfterRounds * round - round / 2;
      const now = Date.now();
      // Round instants are startedAt + k x round: the first after a period boundary.
      const boundary = Math.ceil((now + lead + round) / period) * period;
      const firstRound =
        monitor.startedAt + Math.ceil((boundary - monitor.startedAt) / round) * round;
      const at = silence ? firstRound + round / 2 : firstRound - lead;
      return Math.max(0, at - now);
    };

    const scenario = async (
      name: string,
      to: Region,
      inject: () => Promise<void> | void,
      path: "disconnect" | "instruction" | "silent" = "disconnect",
    ) => {
      const failback = to === primary;
      const byInstruction = path === "instruction";
      if (failures.length) return;
      // A failure is injected at the budget's worst instant (msToWorstInstant). Fail-backs start
      // at once.
      if (!failback) await sleep(msToWorstInstant(path === "silent"));
      const t0 = Date.now();
      starts.push(t0);
      progress.stage(`scenario ${results.length + 1}: ${name}; connected ${connectedNow()}`);
      markers.push({ t: t0, label: `${results.length + 1}: ${name}` });
      if (!failback) {
        // Each path has its own budget.
        const own = path === "instruction" ? instructed : path === "silent" ? silent : budget;
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
        path,
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
      await sleep(ms(10));
    };

    await scenario("primary broker killed", secondary, () => primary.kill());
    await scenario("fail-back after the broker recovered", primary, () => primary.start());
    await scenario(
      "primary application unhealthy, broker up",
      secondary,
      () => {
        primary.appHealthy = false;
      },
      "instruction",
    );
    await scenario("fail-back after the application recovered", primary, () => {
      primary.appHealthy = true;
    });
    // The partial outage: the rules engine stops, the broker stays up. The IoT health check's
    // rules round trip fails, the alarm fires and the instruction moves the devices; what the
    // broker acknowledged meanwhile never reached analytics (reported in the row, the RPO line).
    await scenario(
      RULES_ENGINE_DOWN,
      secondary,
      () => {
        primary.rulesHealthy = false;
      },
      "instruction",
    );
    await scenario("fail-back after the rules engine recovered", primary, () => {
      primary.rulesHealthy = true;
    });
    await scenario(
      "region dead with its aggregator: broker killed, no health sample",
      secondary,
      async () => {
        monitor.silent = true;
        await primary.kill();
      },
      "silent",
    );
    await scenario("fail-back after the region and its aggregator recovered", primary, async () => {
      await primary.start();
      monitor.silent = false;
    });

    fleet.stopPublishing();
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
    const detectable = results.filter((r) => r.detected !== false).length;
    if (flips.length !== detectable) {
      failures.push(
        `the health check changed ${flips.length} times in ${detectable} scenarios (one change per scenario expected)`,
      );
    }
    // While the rules engine is down the broker still acknowledges (PUBACK comes from the
    // broker), so what devices publish meanwhile is lost to analytics: reported in that row (and
    // in the plan's RPO line). Anywhere else a loss fails the drill.
    const lostElsewhere = results
      .filter((r) => !r.name.startsWith(RULES_ENGINE_DOWN))
      .reduce((n, r) => n + r.lost, 0);
    const unattributed = lostTotal - results.reduce((n, r) => n + r.lost, 0);
    if (lostElsewhere + unattributed) {
      failures.push(
        `${lostElsewhere + unattributed} acknowledged messages never reached analytics`,
      );
    }
    // The drill's claim: no fail-over takes longer than the budget of its path (an upper bound:
    // a faster one passes).
    for (const r of results) {
      const judged = ratioToBudget(r, { budget, instructed, silent });
      if (judged && judged.ratio > 1) {
        failures.push(
          `scenario "${r.name}": measured ${Math.round(judged.ratio * 100)} % of its ${judged.own.totalSeconds} s budget`,
        );
      }
    }
    const left = await fleet.stop();
    summary.push(
      `devices ${settings.devices}, seed ${settings.seed}, settings from ${settings.stackFile}`,
      `messages acknowledged ${fleet.acked.size}, lost ${lostTotal}, duplicates seen ${sink.duplicates.length} (dropped by the dedupe helper ${sink.dropped}), unacknowledged at stop ${left}`,
      `aggregator rounds ${monitor.rounds} (${monitor.skipped} skipped while a probe ran), health check changes ${flips.length}, reconnect instructions ${instructions.map((i) => `${i.region}${i.delivered ? "" : " (broker down, not delivered)"}${i.answered ? "" : " (sent without the new answer)"}`).join(", ") || "none"}`,
      `drill time ${((Date.now() - started) / 1000).toFixed(1)} s of the stack's seconds (virtual clock)`,
    );
    for (const flip of flips) {
      markers.push({ t: flip.at, label: flip.healthy ? "DNS: PRIMARY" : "DNS: SECONDARY" });
    }
  } finally {
    clearInterval(sampler);
    stopCheckers();
    for (const stop of stopTriggers) stop();
    route53.stop();
    monitor.stop();
    await fleet.stop();
    await primary.kill();
    await secondary.kill();
  }
  const outage = starts[0] ?? started;
  return {
    results,
    budget,
    instructed,
    silent,
    summary,
    failures,
    samples: samples.map((sample) => ({ ...sample, t: (sample.t - outage) / 1000 })),
    markers: markers.map((marker) => ({ ...marker, t: (marker.t - outage) / 1000 })),
    regions,
  };
}
