import { HEALTH_CHECKER_REGIONS, unhealthyAt } from "../../drill/aws/route53EndpointCheck";
import {
  CloudWatchClient,
  PutMetricDataCommand,
  PutMetricDataCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import type { HealthResponse } from "../../functions/health/checkpoints";
import { AlarmNotification } from "../../functions/reconnect/instruction";
import { AlarmState, DataPoint, evaluateAlarm } from "./aws/cloudWatchAlarm";
import { emittedBy } from "./emittedMetrics";
import { FailoverRecord, MetricCheck, checkStatus, failoverAnswer } from "./aws/route53";
import { MetricIdentity, PlannedFailover, PlannedHealthApi } from "./plannedFailover";
import { TestPki, refusedPort, routeTls, startTlsBroker } from "./tlsBroker";
import { VirtualTime } from "./virtualTime";

/**
 * The fail-over chain in virtual time, each link the real thing or AWS's documented rule:
 * the real health handlers (their AWS SDK clients mocked with aws-sdk-client-mock, their MQTT
 * round trip against a local mutual-TLS broker standing in for each region's IoT data endpoint) ->
 * the real aggregator handler, scheduled every minute as EventBridge does, its PutMetricData calls
 * captured -> the planned CloudWatch alarm -> the planned CLOUDWATCH_METRIC health check -> the
 * planned failover records -> the DNS answer; and Route 53's HealthCheckStatus of the PRIMARY
 * record's check -> the planned us-east-1 alarm whose transitions reach the reconnect function.
 */

export type Stack = "primary" | "secondary";

export interface Outage {
  /** When the primary region's IoT data endpoint goes down (virtual ms). */
  at: number;
  /**
   * `refused`: connections to the endpoint are refused, the probe fails at once.
   * `late`: as `refused`, and the iot-services health API answers only after the aggregator's
   * deadline (a blackholed endpoint), so the aggregator sees timeouts: the slowest failure.
   */
  mode: "refused" | "late";
}

export interface SimulationOptions {
  /** Aggregators start this long before 0; Route 53 and the alarms are observed from 0. */
  warmupMs: number;
  endMs: number;
  /** Offset of each region's every-minute schedule within the minute. */
  phaseMs: Record<Stack, number>;
  outage?: Outage;
}

export interface Minute {
  at: number;
  answer: FailoverRecord;
  healthy: Record<Stack, boolean>;
  alarms: Record<Stack, AlarmState>;
  reconnectAlarm: AlarmState;
}

export interface SimulationResult {
  minutes: Minute[];
  /** Transitions of the reconnect alarm, as CloudWatch sends them to the SNS topic. */
  notifications: AlarmNotification[];
  /** Every PutMetricData call of the aggregators, with its virtual time. */
  puts: { at: number; input: PutMetricDataCommandInput }[];
  /** Each region's health API answers, for diagnosis. */
  answers: { at: number; stack: Stack; api: string; status: number; body: string }[];
}

/** A data point belongs to the alarm's metric only with the same namespace, name and dimensions. */
export function pointsOf(puts: SimulationResult["puts"], metric: MetricIdentity): DataPoint[] {
  const wanted = JSON.stringify(Object.entries(metric.dimensions).sort());
  return puts.flatMap(({ at, input }) =>
    input.Namespace !== metric.namespace
      ? []
      : (input.MetricData ?? [])
          .filter(
            (d) =>
              d.MetricName === metric.metricName &&
              JSON.stringify((d.Dimensions ?? []).map((x) => [x.Name, x.Value]).sort()) === wanted,
          )
          .map((d) => ({ at, value: Number(d.Value) })),
  );
}

type HealthHandler = () => Promise<HealthResponse>;
type AggregatorFactory = (clock: VirtualTime) => () => Promise<void>;

/** Sets `env` for the synchronous start of `start` only: handlers read it there, once. */
function withEnv<T>(env: Record<string, string>, start: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return start();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const answer = (status: number, body: string) =>
  ({ status, text: () => Promise.resolve(body) }) as unknown as Response;

type SimulationCode = { healthHandler: HealthHandler; createAggregator: AggregatorFactory };

export async function simulate(
  plan: PlannedFailover,
  pki: TestPki,
  code: SimulationCode,
  options: SimulationOptions,
): Promise<SimulationResult> {
  // Each health answer prints one embedded-metric line per checkpoint (CheckpointHealthy), over
  // 3,000 lines and 0.9 MB per run of the fail-over suite, which the test worker piped to mocha
  // and mocha printed. The chain reads the aggregators' PutMetricData, not these: the handlers
  // still make and print them, and they are taken off stdout here instead of flooding the log.
  let result: SimulationResult | undefined;
  await emittedBy(async () => {
    result = await simulateChain(plan, pki, code, options);
  });
  return result!;
}

async function simulateChain(
  plan: PlannedFailover,
  pki: TestPki,
  code: SimulationCode,
  options: SimulationOptions,
): Promise<SimulationResult> {
  const time = new VirtualTime(-options.warmupMs);
  const stacks: Stack[] = ["primary", "secondary"];
  const result: SimulationResult = { minutes: [], notifications: [], puts: [], answers: [] };

  // One broker per region: the probe has one client id, as in IoT Core, where each region's
  // broker is its own; sharing one broker would let the regions' probes take each other's session.
  const brokers = {
    // Each with its region's planned probe rule standing in for the rules engine.
    primary: await startTlsBroker(pki, [plan.regions.primary.probeRule]),
    secondary: await startTlsBroker(pki, [plan.regions.secondary.probeRule]),
  };
  const refused = await refusedPort();
  const endpoints = new Map(
    stacks.map((stack) => {
      const iot = plan.regions[stack].apis.find((a) => a.environment.IOT_ENDPOINT);
      if (!iot) throw new Error(`no planned health API of ${stack} names IOT_ENDPOINT`);
      return [iot.environment.IOT_ENDPOINT, stack] as const;
    }),
  );
  let primaryDown = false;
  const restoreTls = routeTls((host) => {
    const stack = endpoints.get(host);
    if (!stack) return undefined;
    return stack === "primary" && primaryDown ? refused : brokers[stack].port;
  }, pki.caPem);

  const mocks = [
    mockClient(SecretsManagerClient),
    mockClient(STSClient),
    mockClient(DynamoDBClient),
    mockClient(EventBridgeClient),
    mockClient(KinesisClient),
    mockClient(CloudWatchClient),
  ] as const;
  const [secrets, sts, dynamodb, events, kinesis, cloudwatch] = mocks;
  // The handlers' other calls succeed: this chain is about the IoT plane. Secret ids come from
  // the planned environments, so a handler asking for another id finds nothing.
  for (const stack of stacks) {
    for (const api of plan.regions[stack].apis) {
      const env = api.environment;
      if (env.PROBE_SECRET_ID) {
        secrets.on(GetSecretValueCommand, { SecretId: env.PROBE_SECRET_ID }).resolves({
          SecretString: JSON.stringify({
            clientId: env.PROBE_CLIENT_ID,
            topic: env.PROBE_TOPIC,
            certificatePem: pki.clientPem,
            privateKey: pki.clientKey,
          }),
        });
      }
      if (env.EXTERNAL_ID_SECRET_ID) {
        secrets
          .on(GetSecretValueCommand, { SecretId: env.EXTERNAL_ID_SECRET_ID })
          .resolves({ SecretString: "external-id" });
      }
    }
  }
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: "ASIAFAILOVERTEST",
      SecretAccessKey: "secret",
      SessionToken: "token",
      Expiration: new Date(Date.now() + 900_000),
    },
  });
  dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE" } });
  events.on(DescribeEventBusCommand).resolves({});
  kinesis
    .on(DescribeStreamSummaryCommand)
    .resolves({ StreamDescriptionSummary: { StreamStatus: "ACTIVE" } as never });
  cloudwatch.on(PutMetricDataCommand).callsFake((input: PutMetricDataCommandInput) => {
    result.puts.push({ at: time.now(), input });
    return {};
  });

  // The private APIs as API Gateway's Lambda proxy integration runs them: the handler with its
  // planned environment in its own region; Lambda's dry-run endpoint accepts (204).
  const apiByUrl = new Map<string, { stack: Stack; api: PlannedHealthApi }>();
  for (const stack of stacks) {
    for (const api of plan.regions[stack].apis) apiByUrl.set(api.url, { stack, api });
  }
  const lateMs =
    (Number(plan.regions.primary.aggregator.environment.PROBE_TIMEOUT_SECONDS) + 1) * 1000;
  const savedFetch = globalThis.fetch;
  const stub = async (url: string | URL | Request): Promise<Response> => {
    const target = url instanceof Request ? url.url : url.toString();
    if (/^https:\/\/lambda\.[a-z0-9-]+\.amazonaws\.com\//.test(target)) return answer(204, "");
    const planned = apiByUrl.get(target);
    if (!planned) throw new Error(`no planned health API answers ${target}`);
    const { stack, api } = planned;
    const started = time.now();
    const response = await time.real(
      withEnv({ ...api.environment, AWS_REGION: api.region }, () => code.healthHandler()),
    );
    result.answers.push({
      at: started,
      stack,
      api: api.name,
      status: response.statusCode,
      body: response.body,
    });
    if (
      options.outage?.mode === "late" &&
      primaryDown &&
      stack === "primary" &&
      api.environment.IOT_ENDPOINT
    ) {
      await time.sleep(lateMs);
    }
    return answer(response.statusCode, response.body);
  };
  globalThis.fetch = stub;

  const failures: unknown[] = [];
  try {
    // EventBridge's rate(1 minute): one invocation a minute; reserved concurrency 1, so one
    // instance per region whose state carries over, as the handler's closure does here.
    for (const stack of stacks) {
      const region = plan.regions[stack];
      const handler = code.createAggregator(time);
      let busy = false;
      for (let at = -options.warmupMs + options.phaseMs[stack]; at < options.endMs; at += 60_000) {
        time.at(at, () => {
          if (busy) failures.push(new Error(`${stack}: two aggregator invocations overlap`));
          busy = true;
          const invocation = withEnv(
            { ...region.aggregator.environment, AWS_REGION: region.region },
            () => handler(),
          );
          invocation.then(
            () => (busy = false),
            (error: unknown) => failures.push(error),
          );
        });
      }
    }
    if (options.outage) time.at(options.outage.at, () => (primaryDown = true));

    // Every minute: the regional alarms, Route 53's checks on their data streams, the answer,
    // and Route 53's HealthCheckStatus into the us-east-1 alarm that starts the reconnect.
    const checks = Object.fromEntries(
      stacks.map((s) => [s, new MetricCheck(plan.regions[s].check, plan.regions[s].alarm.spec)]),
    ) as Record<Stack, MetricCheck>;
    // The checks the program makes: each region's metric check and endpoint check, and the
    // calculated ones (record checks, the PRIMARY's gates) that count their children against their
    // threshold. The Region switch plan's checks are not the program's: no plan execution runs
    // here, so they stay healthy.
    const leafIds = new Set(
      stacks.flatMap((s) => [plan.regions[s].check.id, plan.regions[s].endpointCheck.id]),
    );
    const healthOf = (id: string, leaves: Record<string, boolean>): boolean =>
      checkStatus(id, plan.calculatedChecks, (leaf) => (leaf in leaves ? leaves[leaf] : true));
    const checkOf = (id: string): string => {
      if (!leafIds.has(id) && !(id in plan.calculatedChecks)) {
        throw new Error(`no planned health check has id ${id}`);
      }
      return id;
    };
    // Route 53's TCP checkers of the IoT endpoint (drill/aws/route53EndpointCheck.ts): a refused
    // endpoint fails at once, a blackholed one at the 10 s connect deadline; every checker sends
    // just before the outage, the late side.
    const endpointDownAt = Object.fromEntries(
      stacks.map((s) => {
        const { requestInterval, failureThreshold } = plan.regions[s].endpointCheck;
        const outage = options.outage;
        if (s !== "primary" || !outage) return [s, undefined];
        const phase = (outage.at - 1) % (requestInterval * 1000);
        const phases = HEALTH_CHECKER_REGIONS.map(() => phase);
        const spec = { requestInterval, failureThreshold };
        const outcome = outage.mode === "late" ? "hangs" : "refused";
        return [s, unhealthyAt(spec, phases, outage.at, outcome, options.endMs)];
      }),
    ) as Record<Stack, number | undefined>;
    const endpointHealthy = (stack: Stack, at: number) => {
      const down = endpointDownAt[stack];
      return down === undefined || at < down;
    };
    const alarms: Record<Stack, AlarmState> = {
      primary: "INSUFFICIENT_DATA",
      secondary: "INSUFFICIENT_DATA",
    };
    let reconnectAlarm: AlarmState = "INSUFFICIENT_DATA";
    const statusPoints: DataPoint[] = [];
    const reconnect = plan.reconnectAlarm;
    const statusOf = checkOf(reconnect.metric.dimensions.HealthCheckId);
    for (const record of plan.iotRecords) if (record.healthCheckId) checkOf(record.healthCheckId);
    for (let at = 0; at <= options.endMs; at += 60_000) {
      time.at(at, () => {
        const healthy = {} as Record<Stack, boolean>;
        const leaves: Record<string, boolean> = {};
        for (const stack of stacks) {
          const points = pointsOf(result.puts, plan.regions[stack].alarm.metric);
          alarms[stack] = evaluateAlarm(plan.regions[stack].alarm.spec, points, at, alarms[stack]);
          const { recordCheck, check, endpointCheck } = plan.regions[stack];
          leaves[check.id] = checks[stack].evaluate(points, at);
          leaves[endpointCheck.id] = endpointHealthy(stack, at);
          for (const child of recordCheck.children) {
            if (!(child in leaves)) throw new Error(`${stack}: unknown child check ${child}`);
          }
          // The record's calculated check: the metric check and the endpoint check, counted
          // against the planned threshold.
          healthy[stack] = healthOf(recordCheck.id, leaves);
        }
        const next = evaluateAlarm(reconnect.spec, statusPoints, at, reconnectAlarm);
        if (next !== reconnectAlarm) {
          result.notifications.push({
            AlarmName: reconnect.name,
            OldStateValue: reconnectAlarm,
            NewStateValue: next,
            StateChangeTime: String(at),
          });
          reconnectAlarm = next;
        }
        // Route 53 publishes HealthCheckStatus once a minute: 1 healthy, 0 unhealthy.
        statusPoints.push({ at, value: healthOf(statusOf, leaves) ? 1 : 0 });
        result.minutes.push({
          at,
          answer: failoverAnswer(plan.iotRecords, (id) => healthOf(id, leaves)),
          healthy,
          alarms: { ...alarms },
          reconnectAlarm,
        });
      });
    }
    await time.runUntil(options.endMs);
    if (failures.length > 0) throw failures[0];
  } finally {
    globalThis.fetch = savedFetch;
    restoreTls();
    for (const mock of mocks) mock.restore();
    await brokers.primary.close();
    await brokers.secondary.close();
  }
  return result;
}
