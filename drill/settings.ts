import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { rawConfigSchema } from "../infra/config/schema";
import { yamlErrorMessage } from "../plan/stackFile";

/** The stack settings the drill runs with, and the budget is computed for. */
export interface StackSettings {
  iotDomain: string;
  ttlSeconds: number;
  health: {
    alarmPeriodSeconds: number;
    alarmEvaluationPeriods: number;
    probeTimeoutSeconds: number;
    aggregatorIntervalSeconds: number;
    deviceReconnectSeconds: number;
    /** What the reconnect function is configured with (`health.reconnect`). */
    reconnect: { topic: string; displaceSessions: boolean };
  };
  rtoTargetSeconds: number;
}

export interface DrillSettings {
  stackFile: string;
  stack: StackSettings;
  devices: number;
  seed: number;
  /** Production seconds between two telemetry messages of one device. */
  publishSeconds: number;
  /**
   * Production seconds between a device's scheduled DNS checks: an hourly safety net, so in the
   * drill devices move on disconnect or by the reconnect instruction, never by chance timing.
   */
  resolveSeconds: number;
  outDir: string;
  help: boolean;
}

export const USAGE = `usage: npm run drill -- [--devices N] [--seed S] [--stack FILE] [--out DIR]

Fails the primary region over and back four times in memory (broker killed, application
unhealthy, rules engine down with the broker up, the region dead with its aggregator silent) with
N devices on the failover client's defaults, and prints measured RTO, acknowledged messages lost
and duplicates per scenario against the RTO budget of its path that the plan prints for the same
stack file.
It runs on a virtual clock (the stack's own seconds, no waiting) with in-memory brokers, DNS and
connections, so a run takes seconds and the same seed gives the same table.
On a terminal, progress (scenario, phase, connected devices) goes to stderr.
  --devices N  simulated devices, 1-2000 (default 50)
  --seed S     seed of every random choice (backoff jitter, phases, DNS schedule): the same
               seed gives the same table and results.json (default 7)
  --stack FILE stack file whose iot-dr:dns, iot-dr:health and iot-dr:rtoTargetSeconds are used
               (default Pulumi.primary.yaml)
  --out DIR    where results.md, results.json and connected.svg go (default .drill, ignored
               by git)
  --help       this text

Examples:
  npm run drill                                  # 50 devices, seed 7
  npm run drill -- --devices 200                 # a larger fleet
  npm run drill -- --seed 3 --stack Pulumi.secondary.yaml --out /tmp/drill

Exit status: 0 passed, 1 a message lost, a deadline hit, the health flapped or a fail-over over
its path's budget, 2 bad usage.`;

function wholeIn(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
) {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `--${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Reads the stack file's dns and health settings through the config schema (same defaults). */
export function loadStackSettings(file: string): StackSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`--stack ${file}: cannot read it (${(error as Error).message})`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(yamlErrorMessage(file, error));
  }
  const config = (document as { config?: Record<string, unknown> })?.config ?? {};
  const shape = rawConfigSchema.shape;
  const dns = shape.dns.safeParse(config["iot-dr:dns"]);
  const health = shape.health.safeParse(config["iot-dr:health"]);
  const target = shape.rtoTargetSeconds.safeParse(config["iot-dr:rtoTargetSeconds"]);
  for (const [key, result] of [
    ["iot-dr:dns", dns],
    ["iot-dr:health", health],
    ["iot-dr:rtoTargetSeconds", target],
  ] as const) {
    if (!result.success) {
      // An unknown key is reported at the key itself, as the stack config check reports it.
      const issues = result.error.issues.flatMap((i) =>
        (i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k]) : [i.path]).map(
          (path) => `${[key, ...path].join(".")}: ${i.message}`,
        ),
      );
      throw new Error(`${file}: ${issues.join("; ")}`);
    }
  }
  return {
    iotDomain: dns.data!.iotDomain,
    ttlSeconds: dns.data!.ttlSeconds,
    health: health.data!,
    rtoTargetSeconds: target.data!,
  };
}

export function drillSettings(argv: string[]): DrillSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: "string" },
      seed: { type: "string" },
      stack: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  const stackFile = values.stack ?? "Pulumi.primary.yaml";
  const stack = loadStackSettings(stackFile);
  return {
    stackFile,
    stack,
    devices: wholeIn("devices", values.devices, 50, 1, 2000),
    seed: wholeIn("seed", values.seed, 7, 0, 2 ** 31 - 1),
    publishSeconds: 5,
    resolveSeconds: 3600,
    // Never a tracked folder: a run must not change the repository.
    outDir: values.out ?? ".drill",
    help: values.help === true,
  };
}

/** The benchmark's seeded PRNG, so a drill's jitter can be replayed. */
export { prng as seededRandom } from "../bench/virtualClock";
