import { strict as assert } from "assert";
import { SWEEP_MAX_CONCURRENCY, SWEEP_SEGMENTS } from "../../../components/iotPlane/antiEntropy";
import { MAX_CONCURRENCY, RECONCILER_CONCURRENCY } from "../../../infra/iotPlane";
import { QUOTA_OVERSUBSCRIPTION } from "../../../core/iotQuotas";
import { ofType, ownStack } from "../../support/ownStacks";
import { IOT_ACCOUNT, REGIONS, jsonOf, named, statement, statementsOf } from "./support";

interface TaskState {
  Parameters: { FunctionName: string };
}
interface MapState {
  Type: string;
  MaxConcurrency: number;
  ItemSelector: unknown;
  ItemProcessor: {
    ProcessorConfig: { Mode: string };
    StartAt: string;
    States: Record<string, TaskState>;
  };
}

const FUNCTION = "aws:lambda/function:Function";

for (const [stack, region] of [
  ["secondary", REGIONS.secondary],
  ["primary", REGIONS.primary],
] as const) {
  describe(`reconciler of the ${stack} stack`, () => {
    it("reads the registry stream of its own region", async () => {
      const report = await ownStack(stack);
      const mapping = named(report, "iot-plane-reconciler-stream-mapping");
      assert.equal(mapping.region, region);
      const source = String(mapping.revealedInputs.eventSourceArn);
      assert.match(
        source,
        new RegExp(`^arn:aws:dynamodb:${region}:${IOT_ACCOUNT}:table/iot-dr-registry-rows/stream/`),
      );
      if (stack === "primary") {
        // The replica's stream, as the secondary stack exported it, not a table of its own.
        const secondary = await ownStack("secondary");
        assert.equal(source, secondary.outputs.registryPrimaryReplicaStreamArn);
      } else {
        const table = ofType(report, "aws:dynamodb/table:Table").find(
          (t) => t.revealedInputs.name === "iot-dr-registry-rows",
        );
        assert.equal(source, table?.revealedState.streamArn);
      }
    });

    it("isolates poison records, bounds retries and record age, and keeps what fails", async () => {
      const report = await ownStack(stack);
      const inputs = named(report, "iot-plane-reconciler-stream-mapping").revealedInputs;
      assert.equal(inputs.bisectBatchOnFunctionError, true);
      assert.ok(
        Number(inputs.maximumRetryAttempts) >= 0 && Number(inputs.maximumRetryAttempts) <= 10,
      );
      assert.ok(Number(inputs.maximumRecordAgeInSeconds) > 0);
      assert.ok(Number(inputs.maximumRecordAgeInSeconds) <= 86400);
      assert.deepEqual(inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
      assert.equal(inputs.startingPosition, "TRIM_HORIZON");
      const dlq = named(report, "iot-plane-reconciler-dlq-queue");
      assert.deepEqual(inputs.destinationConfig, {
        onFailure: { destinationArn: dlq.revealedState.arn },
      });
      assert.ok(dlq.revealedInputs.kmsMasterKeyId, "the on-failure queue is KMS-encrypted");
    });

    it("caps the reconciler's concurrency so IoT calls in flight stay within the quotas", async () => {
      const fn = named(await ownStack(stack), "iot-plane-reconciler-fn", FUNCTION);
      assert.equal(fn.revealedInputs.reservedConcurrentExecutions, RECONCILER_CONCURRENCY);
      const env = (fn.revealedInputs.environment as { variables: Record<string, string> })
        .variables;
      assert.equal(env.REGISTRY_TABLE, "iot-dr-registry-rows");
      assert.equal(env.MAX_CONCURRENCY, String(MAX_CONCURRENCY));
      assert.equal(
        env.DLQ_URL,
        named(await ownStack(stack), "iot-plane-reconciler-dlq-queue").revealedState.url,
      );
      assert.ok(RECONCILER_CONCURRENCY * MAX_CONCURRENCY <= 100);
    });

    it("has each container pace at its share of the quotas: 1.3 / reserved concurrency", async () => {
      const fn = named(await ownStack(stack), "iot-plane-reconciler-fn", FUNCTION);
      const reserved = Number(fn.revealedInputs.reservedConcurrentExecutions);
      const env = (fn.revealedInputs.environment as { variables: Record<string, string> })
        .variables;
      assert.ok(env.QUOTA_SHARE, "QUOTA_SHARE is set");
      // Together the containers that can run at once pace at no more than 1.3 x the quota (the
      // SDK's per-API limiter takes care of the rest, quotas.ts), and use all of that.
      const together = Number(env.QUOTA_SHARE) * reserved;
      assert.ok(together <= QUOTA_OVERSUBSCRIPTION + 1e-9, `share ${env.QUOTA_SHARE}`);
      assert.ok(together >= QUOTA_OVERSUBSCRIPTION - 1e-9, "and use all of it");
    });

    it("names every region of the registry table, whose confirmations expire a tombstone", async () => {
      const fn = named(await ownStack(stack), "iot-plane-reconciler-fn", FUNCTION);
      const env = (fn.revealedInputs.environment as { variables: Record<string, string> })
        .variables;
      const table = ofType(await ownStack("secondary"), "aws:dynamodb/table:Table").find(
        (t) => t.revealedInputs.name === "iot-dr-registry-rows",
      )!;
      const tableRegions = [
        table.region!,
        ...((table.revealedInputs.replicas ?? []) as { regionName: string }[]).map(
          (r) => r.regionName,
        ),
      ];
      assert.deepEqual(env.REGISTRY_REGIONS.split(",").sort(), tableRegions.sort());
      assert.ok(env.REGISTRY_REGIONS.split(",").includes(region));
    });

    it("sweeps with a Distributed Map bounded by the quotas, one segment per reconciler call", async () => {
      const report = await ownStack(stack);
      const machine = named(report, "iot-plane-registry-sweep-machine");
      const definition = jsonOf<{ StartAt: string; States: Record<string, MapState> }>(
        machine.revealedInputs.definition,
      );
      // First the guard that keeps one sweep at a time (sweepSchedule.test.ts runs it).
      assert.equal(definition.StartAt, "RunningSweeps");
      const map = definition.States.Segments;
      assert.equal(map.Type, "Map");
      assert.equal(map.ItemProcessor.ProcessorConfig.Mode, "DISTRIBUTED");
      assert.equal(map.MaxConcurrency, SWEEP_MAX_CONCURRENCY);
      assert.ok(SWEEP_MAX_CONCURRENCY < RECONCILER_CONCURRENCY, "room left for the stream");
      assert.deepEqual(map.ItemSelector, {
        sweep: { "segment.$": "$$.Map.Item.Value", "totalSegments.$": "$.totalSegments" },
      });
      const task = map.ItemProcessor.States[map.ItemProcessor.StartAt];
      const reconciler = named(report, "iot-plane-reconciler-fn", FUNCTION);
      assert.equal(task.Parameters.FunctionName, reconciler.revealedState.arn);
      // A segment is many short invocations: each returns `next` (the continuation, or null),
      // and the processor invokes again with it until the segment is done.
      const states = map.ItemProcessor.States as unknown as Record<string, Record<string, unknown>>;
      const choice = states[String(states[map.ItemProcessor.StartAt].Next)];
      assert.equal(choice.Type, "Choice");
      assert.deepEqual(choice.Choices, [
        {
          And: [
            { Variable: "$.next", IsPresent: true },
            { Variable: "$.next", IsNull: false },
          ],
          Next: "NextPage",
        },
      ]);
      assert.deepEqual(states.NextPage, {
        Type: "Pass",
        OutputPath: "$.next",
        Next: map.ItemProcessor.StartAt,
      });
      assert.equal(states[String(choice.Default)].Type, "Succeed");
      assert.ok(Number(reconciler.revealedInputs.timeout) <= 900);

      const schedule = named(report, "iot-plane-registry-sweep-schedule");
      const target = schedule.revealedInputs.target as Record<string, string>;
      assert.equal(target.arn, machine.revealedState.arn);
      assert.deepEqual(jsonOf(target.input), {
        segments: Array.from({ length: SWEEP_SEGMENTS }, (_, i) => i),
        totalSegments: SWEEP_SEGMENTS,
      });
    });

    it("lets the schedule's role start only the sweep, and the sweep only invoke the reconciler", async () => {
      const report = await ownStack(stack);
      const machineArn = `arn:aws:states:${region}:${IOT_ACCOUNT}:stateMachine:iot-dr-registry-sweep`;
      assert.equal(named(report, "iot-plane-registry-sweep-machine").revealedState.arn, machineArn);
      const scheduler = statementsOf(named(report, "iot-plane-registry-sweep-scheduler-policy"));
      assert.deepEqual(scheduler, [
        {
          Sid: "StartSweep",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [machineArn],
        },
      ]);
      const machine = statementsOf(named(report, "iot-plane-registry-sweep-machine-policy"));
      const reconcilerArn = String(
        named(report, "iot-plane-reconciler-fn", FUNCTION).revealedState.arn,
      );
      assert.deepEqual(statement(machine, "InvokeReconciler").Resource, [
        reconcilerArn,
        `${reconcilerArn}:*`,
      ]);
      assert.deepEqual(statement(machine, "RunOwnChildExecutions").Resource, [machineArn]);
      for (const s of machine) {
        for (const resource of s.Resource ?? [])
          assert.match(resource, new RegExp(`:${region}:${IOT_ACCOUNT}:`));
      }
    });
  });
}
