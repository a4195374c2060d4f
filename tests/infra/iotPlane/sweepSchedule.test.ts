/**
 * Issue 15: the sweep never overlaps itself. Above ~130,000 devices a sweep takes longer than the
 * schedule's period (rate(6 hours)); the planned state machine's first state lists the machine's
 * running executions and only the oldest sweeps.
 *
 * The planned definition runs in aws-local-stepfunctions (an Amazon States Language interpreter:
 * paths, intrinsic functions, Choice, Map). moto 5.2.1 cannot run it: a second StartExecution while
 * one runs answers HTTP 500, and its aws-sdk task fails on sfn:listExecutions. What the interpreter
 * does not have, the Step Functions service, is the fake below: the executions of the machine and
 * ListExecutions' answer, "sorted by time, with the most recent execution first"
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html), with
 * members in PascalCase as the aws-sdk integration gives them
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
import { strict as assert } from "assert";
import { StateMachine } from "aws-local-stepfunctions";
import {
  SWEEP_ALREADY_RUNNING,
  SWEEP_LISTING_ATTEMPTS,
  SWEEP_STATE_MACHINE,
  sweepDefinition,
  sweepInput,
} from "../../../components/iotPlane/antiEntropy";
import { SWEEP_SEGMENTS } from "../../../core/reconcilerSizing";

const MACHINE = `arn:aws:states:eu-west-1:111111111111:stateMachine:${SWEEP_STATE_MACHINE}`;
const RECONCILER = "arn:aws:lambda:eu-west-1:111111111111:function:iot-dr-reconciler";

/** The Step Functions service as the sweep sees it: its executions, and who invoked what. */
class Service {
  private readonly machine = new StateMachine(
    sweepDefinition(RECONCILER, "aws") as ConstructorParameters<typeof StateMachine>[0],
    { validationOptions: { checkPaths: true, checkArn: true } },
  );
  private clock = 0;
  readonly running = new Map<string, number>();
  readonly invocations = new Map<string, unknown[]>();
  readonly listed: string[] = [];
  /**
   * Listings that do not show the executions started in the last `lagListings` listings yet:
   * ListExecutions is eventually consistent, a new execution may be missing from it for a while.
   */
  hiddenListings = 0;
  /** Holds each segment invocation of an execution until released. */
  readonly holds = new Map<string, Promise<void>>();

  /** Top-level states each execution entered, in order. */
  readonly path = new Map<string, string[]>();

  /** Starts an execution as StartExecution does; resolves when it ends. */
  start(name: string): Promise<unknown> {
    const arn = `arn:aws:states:eu-west-1:111111111111:execution:${SWEEP_STATE_MACHINE}:${name}`;
    this.running.set(arn, ++this.clock);
    const execution = this.machine.run(sweepInput(), {
      context: { Execution: { Id: arn, Name: name }, StateMachine: { Id: MACHINE } },
      overrides: {
        // The listing's waits take no machine time here.
        waitTimeOverrides: { WaitForListing: 0 },
        taskResourceLocalHandlers: {
          RunningSweeps: (input) => {
            const parameters = input as { StateMachineArn: string; StatusFilter: string };
            assert.equal(parameters.StateMachineArn, MACHINE);
            assert.equal(parameters.StatusFilter, "RUNNING");
            this.listed.push(name);
            if (this.hiddenListings > 0) {
              this.hiddenListings -= 1;
              return Promise.resolve({ Executions: [] });
            }
            const executions = [...this.running]
              .sort(([, a], [, b]) => b - a)
              .map(([ExecutionArn]) => ({
                ExecutionArn,
                StateMachineArn: MACHINE,
                Status: "RUNNING",
              }));
            return Promise.resolve({ Executions: executions });
          },
          ReconcileSegment: async (payload) => {
            (this.invocations.get(name) ?? this.invocations.set(name, []).get(name)!).push(payload);
            await this.holds.get(name);
            return { Payload: { next: null } };
          },
        },
      },
    });
    const path: string[] = [];
    this.path.set(name, path);
    const logged = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === "StateEntered" && event.index === undefined) path.push(event.state.name);
      }
    })();
    return execution.result
      .finally(() => this.running.delete(arn))
      .then(async (output) => {
        await logged;
        return output;
      });
  }
}

describe("sweep schedule: one sweep at a time (issue 15)", () => {
  it("ends a sweep started while an older one runs without sweeping; the older one finishes every segment", async () => {
    const service = new Service();
    let release!: () => void;
    // The first sweep is still on its segments (a large fleet) when the schedule fires again.
    service.holds.set("first", new Promise<void>((resolve) => (release = resolve)));
    const first = service.start("first");
    while (!service.invocations.has("first")) await new Promise((r) => setImmediate(r));

    const second = await service.start("second");
    assert.equal(service.invocations.get("second"), undefined, "two sweeps overlapped");
    assert.deepEqual(service.listed, ["first", "second"]);
    assert.ok(service.running.size === 1, "the first sweep ended early");

    release();
    await first;
    assert.equal(service.invocations.get("first")?.length, SWEEP_SEGMENTS);
    assert.equal(service.path.get("second")?.at(-1), SWEEP_ALREADY_RUNNING);
    assert.ok(!service.path.get("second")?.includes("Segments"));
    assert.ok(second);
    // Alone, the next one sweeps.
    await service.start("third");
    assert.equal(service.invocations.get("third")?.length, SWEEP_SEGMENTS);
  });

  it("lets only the older of two sweeps started together sweep", async () => {
    const service = new Service();
    const [a, b] = [service.start("a"), service.start("b")];
    await Promise.all([a, b]);
    assert.equal(service.invocations.get("a")?.length, SWEEP_SEGMENTS);
    assert.equal(service.invocations.get("b"), undefined);
  });

  it("lists again when the listing is empty (not yet consistent), then sweeps once it shows itself", async () => {
    const service = new Service();
    service.hiddenListings = 2;
    await service.start("late");
    assert.deepEqual(service.listed, ["late", "late", "late"]);
    assert.equal(service.invocations.get("late")?.length, SWEEP_SEGMENTS);
  });

  it("sweeps after its bounded listings when none shows any execution, instead of failing", async () => {
    const service = new Service();
    service.hiddenListings = 100;
    await service.start("alone");
    assert.equal(service.listed.length, SWEEP_LISTING_ATTEMPTS + 1);
    assert.equal(service.invocations.get("alone")?.length, SWEEP_SEGMENTS);
  });
});
