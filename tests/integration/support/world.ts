/**
 * Two regions of the iot-services account in moto, wired as the plan wires them: the registry
 * table created from the planned table in each region, a dead-letter queue per region, and the
 * project's functions (capture, reconciler, sweep) running in-process over their real ports, with
 * SDK clients pointed at moto. What moto lacks (IoT's events, global table replication, Lambda
 * behind Step Functions) the harness supplies, each named where it does so.
 */
import * as fs from "fs";
import * as path from "path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { parse } from "yaml";
import { partitionOf } from "../../../core/arn";
import {
  SWEEP_ALREADY_RUNNING,
  SWEEP_MAX_CONCURRENCY,
  SWEEP_STATE_MACHINE,
  sweepDefinition,
  sweepInput,
  SWEEP_GUARD_STATES,
} from "../../../components/iotPlane/antiEntropy";
import { NAMES } from "../../../core/names";
import { captureEvent, type CaptureResult } from "../../../functions/capture/capture";
import { sdkCaptureIot } from "../../../functions/capture/iot";
import type { Place } from "../../../functions/reconciler/converge";
import { sqsDlq, type DeadLetter } from "../../../functions/reconciler/dlq";
import {
  reconcilerClients as reconcilerClientsOf,
  sdkReconcilerIot,
} from "../../../functions/reconciler/iot";
import { adaptiveIotClients } from "../../../functions/shared/apiRateLimit";
import { dynamoEchoLedger } from "../../../functions/shared/echoLedger";
import { dynamoTombstoneExpiry } from "../../../functions/shared/tombstones";
import { unpaced } from "../../../functions/reconciler/pacer";
import {
  Reconciler,
  RecentlyConverged,
  type ReconcileReport,
} from "../../../functions/reconciler/reconcile";
import { latestItems } from "../../../functions/reconciler/stream";
import { parseSweep, sweepSegment, type SweepReport } from "../../../functions/reconciler/sweep";
import { dynamoCertificateListings } from "../../../functions/reconciler/sweepCertificates";
import { dynamoRemakes } from "../../../functions/reconciler/remakeGroup";
import { realClock } from "../../../functions/shared/clock";
import {
  dynamoRegistryTable,
  type RegistryTablePort,
} from "../../../functions/shared/registryTable";
import { ofType, ownStack, ROOT } from "../../support/ownStacks";
import {
  clientConfig,
  credentialsIn,
  type AccountCredentials,
  type MotoServer,
  useMoto,
} from "../../support/moto";
import { createPlannedTable, GlobalTableBridge, type PlannedTable } from "./globalTable";
import { IotEventTap } from "./iotEvents";
import { S3Client } from "@aws-sdk/client-s3";
import {
  replayTrailLogs,
  s3TrailLogs,
  type TrailReplay,
} from "../../../functions/capture/trailLog";
import { CaCertificateBridge, refuseConflictingCreateThing } from "./motoBridges";
import { refuseCertificateOfUnregisteredCa } from "./unregisteredCa";

/** The example stack config's regions and accounts (Pulumi.primary.yaml). */
export function exampleConfig(): {
  primary: string;
  secondary: string;
  iotServices: string;
  commandControl: string;
} {
  const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.primary.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const regions = file.config["iot-dr:regions"] as { primary: string; secondary: string };
  const accounts = file.config["iot-dr:accounts"] as Record<string, { id: string }>;
  return {
    primary: regions.primary,
    secondary: regions.secondary,
    iotServices: accounts.iotServices.id,
    commandControl: accounts.commandControl.id,
  };
}

/** The registry table as the `secondary` stack plans it (its own region plus its replicas). */
export async function plannedRegistryTable(): Promise<PlannedTable & { region: string }> {
  const table = ofType(await ownStack("secondary"), "aws:dynamodb/table:Table").find(
    (t) => t.revealedInputs.name === NAMES.registryTable,
  );
  if (!table) throw new Error(`the secondary stack plans no table ${NAMES.registryTable}`);
  return { ...(table.revealedInputs as unknown as PlannedTable), region: table.region! };
}

export interface Clients {
  iot: IoTClient;
  data: IoTDataPlaneClient;
}

export interface RegionHarness {
  name: string;
  place: Place;
  /** Clients of people and tools whose changes IoT reports (through the tap). */
  operator: Clients;
  /** Untapped clients: reads for assertions, and drift that no event reports. */
  direct: Clients;
  tap: IotEventTap;
  table: RegistryTablePort;
  doc: DynamoDBDocumentClient;
  reconcilerRoleArn: string;
  /** Runs capture on every event the tap holds, one invocation per event as AWS delivers them. */
  capture(): Promise<CaptureResult[]>;
  /** The trail-replay function on an S3 notification of the trail's bucket (a moto bucket). */
  replayTrail(
    notification: Parameters<typeof replayTrailLogs>[0],
    bucket: string,
  ): Promise<TrailReplay>;
  /** The reconciler on one batch of this region's stream records, as Lambda would hand them. */
  reconcile(records: DynamoDBRecord[]): Promise<ReconcileReport>;
  /**
   * The sweep. `stateMachine`: the planned state machine runs in moto and each segment's Lambda
   * invocation runs in-process with the payload the map sent; `segments`: the same invocations
   * without the state machine (moto takes ~0.2 s per map iteration).
   */
  sweep(via?: "stateMachine" | "segments"): Promise<SweepReport[]>;
  deadLetters(): Promise<DeadLetter[]>;
}

export interface World {
  account: string;
  A: RegionHarness;
  B: RegionHarness;
  regions: RegionHarness[];
  bridge: GlobalTableBridge;
  /**
   * Runs capture, replication and the reconcilers until nothing moves: echoes must die out, so a
   * loop that does not settle fails.
   */
  settle(): Promise<void>;
}

const MAX_ROUNDS = 12;

/** What a suite against both regions reads: the plan (built once) and a fresh world per test. */
export interface TwoRegionSuite {
  readonly planned: PlannedTable & { region: string };
  readonly world: World;
  /** The moto server the world runs on, for a suite's own set-up beside it. */
  readonly server: MotoServer;
}

/**
 * Registers a suite's hooks (inside its `describe`): moto started and reset, the registry table
 * planned once per run (shared with the other suites that read the plan), and both regions built
 * afresh before each test.
 */
export function useTwoRegions(): TwoRegionSuite {
  const moto = useMoto();
  let planned: TwoRegionSuite["planned"] | undefined;
  let world: World | undefined;
  before(async function () {
    this.timeout(180_000);
    planned = await plannedRegistryTable();
  });
  beforeEach(async () => {
    world = await twoRegions(moto(), planned!);
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useTwoRegions: no ${what} outside a test`);
    return value;
  };
  return {
    get planned() {
      return started(planned, "plan");
    },
    get world() {
      return started(world, "world");
    },
    get server() {
      return moto();
    },
  };
}

/** Both regions of the example config, each with the planned registry table (see plannedRegistryTable). */
export async function twoRegions(
  server: MotoServer,
  planned: PlannedTable & { region: string },
): Promise<World> {
  const example = exampleConfig();
  const tableRegions = [planned.region, ...(planned.replicas ?? []).map((r) => r.regionName)];
  for (const region of [example.primary, example.secondary]) {
    if (!tableRegions.includes(region)) {
      throw new Error(`the planned registry table has no replica in ${region}`);
    }
  }
  const account = example.iotServices;
  const credentials = await credentialsIn(server, account);
  // REGISTRY_REGIONS of the reconciler: the regions that must confirm a tombstone.
  const regions = [example.primary, example.secondary];
  const A = await region(server, example.primary, account, credentials, planned, regions);
  const B = await region(server, example.secondary, account, credentials, planned, regions);
  const bridge = new GlobalTableBridge(
    [A, B].map((r) => ({
      region: r.name,
      tableName: planned.name,
      ddb: r.ddb,
      streams: new DynamoDBStreamsClient(clientConfig(server, r.name, credentials)),
    })),
  );
  const world: World = {
    account,
    A,
    B,
    regions: [A, B],
    bridge,
    async settle() {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        let moved = 0;
        for (const r of world.regions) {
          if (!bridge.down.has(r.name)) moved += (await r.capture()).length;
        }
        const { delivered, replicated } = await bridge.pump();
        // Replicated writes show in their table's stream at the next read.
        moved += replicated;
        for (const r of world.regions) {
          const records = delivered.get(r.name) ?? [];
          moved += records.length;
          if (records.length) {
            const report = await r.reconcile(records);
            if (report.failed.length) {
              throw new Error(`${r.name} reconciler failed on ${report.failed.join(", ")}`);
            }
          }
        }
        if (moved === 0) return;
      }
      throw new Error(`the regions did not settle within ${MAX_ROUNDS} rounds: an echo loop?`);
    },
  };
  return world;
}

async function region(
  server: MotoServer,
  name: string,
  account: string,
  credentials: AccountCredentials,
  planned: PlannedTable,
  regions: string[],
): Promise<RegionHarness & { ddb: DynamoDBClient }> {
  const config = clientConfig(server, name, credentials);
  const clients = (): Clients => ({
    iot: new IoTClient(config),
    data: new IoTDataPlaneClient(config),
  });
  // The functions' own clients, built by their factories as the handlers build them (the SDK's
  // standard retries and adaptive limiter per API): only the endpoint and credentials differ.
  const motoEndpoint = { endpoint: config.endpoint, region: name, credentials };
  const place = { region: name, account };
  const operator = clients();
  const direct = clients();
  const reconcilerClients = reconcilerClientsOf(motoEndpoint);
  const reconcilerRoleArn = `arn:aws:iam::${account}:role/iot-dr-reconciler-${name}`;
  const tap = new IotEventTap({ region: name, account, observer: direct.iot });
  for (const c of [operator, reconcilerClients]) {
    refuseConflictingCreateThing(c.iot, direct.iot);
    refuseCertificateOfUnregisteredCa(c.iot, direct.iot);
  }
  const cas = new CaCertificateBridge(direct.iot);
  for (const c of [operator, reconcilerClients]) cas.watch(c.iot);
  tap.attach(operator.iot, `arn:aws:iam::${account}:role/operator`);
  tap.attach(operator.data, `arn:aws:iam::${account}:role/operator`);
  // The reconciler's own changes are events too: capture must recognise them as echoes.
  tap.attach(reconcilerClients.iot, reconcilerRoleArn);
  tap.attach(reconcilerClients.data, reconcilerRoleArn);

  const ddb = new DynamoDBClient(config);
  await createPlannedTable(ddb, planned);
  const doc = DynamoDBDocumentClient.from(ddb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const table = dynamoRegistryTable(planned.name, doc, name);
  const sqs = new SQSClient(config);
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: "iot-dr-reconciler-dlq" }));
  const dlq = sqsDlq(queue.QueueUrl!, sqs);
  const reconcilerIot = sdkReconcilerIot(reconcilerClients);
  const captureClients = adaptiveIotClients(motoEndpoint);
  for (const c of [captureClients, reconcilerClients]) cas.fill(c.iot);
  cas.list(reconcilerClients.iot);
  const lookups = sdkCaptureIot(captureClients);
  const recent = new RecentlyConverged();
  // The echo ledger and tombstone expiry of the handlers, on this region's table.
  const ledger = dynamoEchoLedger(planned.name, doc);
  const captureDeps = () => ({
    table,
    iot: lookups,
    region: name,
    reconcilerRoleArn,
    clock: realClock,
    ledger,
    // As the handler: the function's own account, from its invocation context.
    account,
  });
  const expiry = { store: dynamoTombstoneExpiry(planned.name, doc), ledger, regions };
  const certificateListings = dynamoCertificateListings(planned.name, doc);
  const policyTargetListings = dynamoCertificateListings(planned.name, doc, "policyTarget");
  const deps = {
    iot: reconcilerIot,
    table,
    dlq,
    pacer: unpaced,
    place,
    clock: realClock,
    maxConcurrency: 16,
    ledger,
    // Unfinished remakes of groups made again (remakeGroup.ts), on this region's table.
    remakes: dynamoRemakes(planned.name, doc),
  };
  const sfn = new SFNClient(config);
  let machineArn: string | undefined;

  return {
    name,
    place,
    operator,
    direct,
    tap,
    table,
    doc,
    ddb,
    reconcilerRoleArn,
    async capture() {
      const results: CaptureResult[] = [];
      for (const event of tap.drain()) results.push(...(await captureEvent(event, captureDeps())));
      return results;
    },
    replayTrail(notification, bucket) {
      // The trail-replay function's path: the real reader, S3 in moto, capture's deps.
      const s3 = new S3Client({ ...clientConfig(server, name, credentials), forcePathStyle: true });
      const trailPlace = { bucket, account, region: name };
      return replayTrailLogs(notification, trailPlace, s3TrailLogs(s3), (record) =>
        captureEvent(record, captureDeps()),
      );
    },
    reconcile(records) {
      return new Reconciler({ ...deps, recent }).reconcileAll(
        latestItems(records).map((i) => i.item),
        true,
      );
    },
    async sweep(via = "stateMachine") {
      let payloads: unknown[];
      if (via === "stateMachine") {
        machineArn ??= await createSweepMachine(sfn, place);
        payloads = await runSweepMachine(sfn, machineArn);
      } else {
        const { segments, totalSegments } = sweepInput();
        payloads = segments.map((segment) => ({ sweep: { segment, totalSegments } }));
      }
      const reports: SweepReport[] = [];
      for (let i = 0; i < payloads.length; i += SWEEP_MAX_CONCURRENCY) {
        reports.push(
          ...(await Promise.all(
            payloads.slice(i, i + SWEEP_MAX_CONCURRENCY).map((payload) => {
              const request = parseSweep(payload);
              if (!request) throw new Error(`not a sweep request: ${JSON.stringify(payload)}`);
              return sweepSegment(request, {
                table,
                iot: reconcilerIot,
                lookups: sdkCaptureIot(reconcilerClients),
                pacer: unpaced,
                reconciler: () => new Reconciler(deps),
                place,
                now: () => Date.now(),
                expiry,
                // As the handler: the sweep tells a local change from a stale state by it.
                ledger,
                certificateListings,
                policyTargetListings,
              });
            }),
          )),
        );
      }
      return reports;
    },
    async deadLetters() {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.QueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
        }),
      );
      return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as DeadLetter);
    },
  };
}

/**
 * The planned sweep state machine, given to moto with two bridges: moto's ASL parser reads an
 * integer ToleratedFailurePercentage only in decimal notation (AWS takes both), and the map's
 * results, which the plan discards (`ResultPath: null`), are kept so the harness can see what each
 * Lambda invocation was sent (moto's Lambda without Docker answers with the payload it got).
 */
async function createSweepMachine(sfn: SFNClient, place: Place): Promise<string> {
  const partition = partitionOf(place.region);
  const reconcilerArn = `arn:${partition}:lambda:${place.region}:${place.account}:function:iot-dr-reconciler`;
  const definition = sweepDefinition(reconcilerArn, partition) as {
    StartAt: string;
    States: Record<string, Record<string, unknown>>;
  };
  definition.States.Segments.ResultPath = "$.invocations";
  // moto 5.2.1 cannot run the guard that keeps one sweep at a time: its aws-sdk task fails on
  // sfn:listExecutions and its JSONPath parser refuses the Choice's "$$.Execution.Id". The
  // machine starts at the map here; the guard runs in tests/infra/iotPlane/sweepSchedule.test.ts.
  for (const name of [...SWEEP_GUARD_STATES, SWEEP_ALREADY_RUNNING]) {
    delete definition.States[name];
  }
  definition.StartAt = "Segments";
  const text = JSON.stringify(definition).replace(
    /"ToleratedFailurePercentage":(\d+)([,}])/,
    '"ToleratedFailurePercentage":$1.0$2',
  );
  const out = await sfn.send(
    new CreateStateMachineCommand({
      name: SWEEP_STATE_MACHINE,
      definition: text,
      roleArn: `arn:${partition}:iam::${place.account}:role/iot-dr-sweep`,
    }),
  );
  return out.stateMachineArn!;
}

/** Starts the sweep as its schedule does and returns the payload of each Lambda invocation. */
async function runSweepMachine(sfn: SFNClient, machineArn: string): Promise<unknown[]> {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn,
      name: `sweep-${Date.now()}`,
      input: JSON.stringify(sweepInput()),
    }),
  );
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn: started.executionArn }),
    );
    if (execution.status === "SUCCEEDED") {
      return (JSON.parse(execution.output!) as { invocations: unknown[] }).invocations;
    }
    if (execution.status !== "RUNNING") {
      throw new Error(`sweep execution ${execution.status}: ${execution.error} ${execution.cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the sweep execution did not finish within 30 s");
}
