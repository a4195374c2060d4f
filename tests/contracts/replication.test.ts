/**
 * Contract (issue 11 item 10): the EventBridge global endpoint replicates every custom event to
 * the other region's bus, and the planned rules act in both regions, so each telemetry message
 * reaches each region's workflow. AWS asks consumers to be idempotent on an immutable id of their
 * own, because event ids can change across API calls
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-ge-best-practices.html): here the
 * REAL forwarder's entry is delivered to both regions as two events with different ids, run
 * through each region's PLANNED state machine, and the message must be processed once.
 */
import { strict as assert } from "assert";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { PlannedResource } from "../../plan/engine";
import type { StackReport } from "../../plan/run";
import { ofType, ownStack } from "../support/ownStacks";
import { deliveredEvent } from "./support/eventBridge";
import { planBothStacksFirst, withState } from "./support/planned";
import {
  ReplicatedTable,
  runStateMachine,
  type Execution,
  type PutItemPort,
} from "./support/stepFunctions";
import { forwardOnePublish, matchingTargets } from "./support/telemetry";

type Stack = "primary" | "secondary";

/** The state machine the bus of `stack` starts for an event, by the planned rule and target. */
function workflowFor(report: StackReport, event: unknown): PlannedResource {
  const [bus] = ofType(report, "aws:cloudwatch/eventBus:EventBus");
  const targets = matchingTargets(report, String(bus.revealedState.name), event).filter((t) =>
    String(t.revealedInputs.arn).includes(":states:"),
  );
  assert.equal(targets.length, 1, `${report.stack}: one rule starts the workflow`);
  const target = targets[0].revealedInputs;
  for (const key of ["input", "inputPath", "inputTransformer"]) {
    assert.equal(target[key], undefined, `the workflow target has no ${key}`);
  }
  return withState(report, "aws:sfn/stateMachine:StateMachine", "arn", target.arn);
}

/** Every planned DynamoDB table of the analytics account, reachable from both regions. */
function analyticsTables(reports: StackReport[], account: string): PutItemPort {
  const tables = new Map<string, ReplicatedTable>();
  for (const report of reports) {
    for (const t of report.resources.filter(
      (r) => r.type === "aws:dynamodb/table:Table" && r.account === account,
    )) {
      const name = String(t.revealedState.name);
      // Reachable from the other region only as a global table (a replica there).
      const replicas = (t.revealedInputs.replicas as { regionName: string }[] | undefined) ?? [];
      assert.ok(replicas.length > 0, `${name} is a global table`);
      tables.set(name, new ReplicatedTable(name, String(t.revealedInputs.hashKey)));
    }
  }
  return {
    putItem(input) {
      const table = tables.get(String(input.TableName));
      if (!table)
        return Promise.reject(new Error(`ResourceNotFoundException: ${String(input.TableName)}`));
      return table.putItem(input);
    },
  };
}

/** Work beyond the idempotency claim: a state that is not a conditional put, a wait or an end. */
const processed = (executions: Execution[]) =>
  executions.filter((e) =>
    e.steps.some(
      (s) =>
        s.type === "Pass" ||
        (s.type === "Task" && s.resource !== "arn:aws:states:::dynamodb:putItem"),
    ),
  ).length;

/** Delivers `entry` to the buses of `order`, one event each, and runs each region's workflow. */
async function deliver(entries: PutEventsRequestEntry[], order: Stack[]): Promise<Execution[]> {
  const reports = [await ownStack("secondary"), await ownStack("primary")];
  const [bus] = ofType(reports[0], "aws:cloudwatch/eventBus:EventBus");
  const dynamodb = analyticsTables(reports, String(bus.account));
  const executions: Execution[] = [];
  for (const entry of entries) {
    for (const stack of order) {
      const report = reports.find((r) => r.stack === stack)!;
      const [own] = ofType(report, "aws:cloudwatch/eventBus:EventBus");
      // A fresh event id per delivery: AWS says ids can change across API calls.
      const event = deliveredEvent(entry, {
        account: String(own.account),
        region: String(own.region),
      });
      const machine = workflowFor(report, event);
      executions.push(
        await runStateMachine(String(machine.revealedInputs.definition), event, dynamodb),
      );
    }
  }
  return executions;
}

describe("replicated telemetry contract: global endpoint -> both regions' workflows", () => {
  planBothStacksFirst();

  it("processes a message once when the primary gets it and the secondary its replica", async () => {
    const { calls } = await forwardOnePublish("primary");
    const executions = await deliver(calls[0].Entries, ["primary", "secondary"]);
    assert.equal(executions.length, 2, "both regions' workflows started");
    assert.equal(processed(executions), 1, JSON.stringify(executions.map((e) => e.visited)));
  });

  it("processes a message once when the secondary gets it during a fail-over and the primary its replica later", async () => {
    const { calls } = await forwardOnePublish("secondary");
    const executions = await deliver(calls[0].Entries, ["secondary", "primary"]);
    assert.equal(processed(executions), 1, JSON.stringify(executions.map((e) => e.visited)));
  });

  it("processes a message once when a bus delivers it twice (at-least-once delivery)", async () => {
    const { calls } = await forwardOnePublish("primary");
    const executions = await deliver(calls[0].Entries, ["primary", "primary"]);
    assert.equal(processed(executions), 1, JSON.stringify(executions.map((e) => e.visited)));
  });

  it("still processes every distinct message", async () => {
    const { calls } = await forwardOnePublish("primary");
    const [entry] = calls[0].Entries;
    const other = JSON.parse(String(entry.Detail)) as Record<string, unknown>;
    other.messageId = "another-sqs-message-id";
    const executions = await deliver(
      [entry, { ...entry, Detail: JSON.stringify(other) }],
      ["primary", "secondary"],
    );
    assert.equal(processed(executions), 2);
  });
  it("claims at once in the primary and only after global-table replication in the secondary", async () => {
    // A new item usually reaches every replica within a second:
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html
    const { calls } = await forwardOnePublish("primary");
    for (const stack of ["primary", "secondary"] as const) {
      const report = await ownStack(stack);
      const [own] = ofType(report, "aws:cloudwatch/eventBus:EventBus");
      const event = deliveredEvent(calls[0].Entries[0], {
        account: String(own.account),
        region: String(own.region),
      });
      const definition = JSON.parse(
        String(workflowFor(report, event).revealedInputs.definition),
      ) as {
        StartAt: string;
        States: Record<
          string,
          { Type: string; Seconds?: number; Next?: string; Resource?: string }
        >;
      };
      let waited = 0;
      let name = definition.StartAt;
      while (definition.States[name]?.Type === "Wait") {
        waited += definition.States[name].Seconds ?? 0;
        name = String(definition.States[name].Next);
      }
      assert.equal(definition.States[name]?.Resource, "arn:aws:states:::dynamodb:putItem");
      if (stack === "primary") assert.equal(waited, 0, "the primary claims at once");
      else assert.ok(waited >= 5, `the secondary waits ${waited} s, a margin over ~1 s`);
    }
  });

  it("gives both regions' stream records the same messageId though their event ids differ", async () => {
    const { calls } = await forwardOnePublish("primary");
    const records = [];
    for (const stack of ["primary", "secondary"] as const) {
      const report = await ownStack(stack);
      const [own] = ofType(report, "aws:cloudwatch/eventBus:EventBus");
      const event = deliveredEvent(calls[0].Entries[0], {
        account: String(own.account),
        region: String(own.region),
      });
      const stream = matchingTargets(report, String(own.revealedState.name), event).filter((t) =>
        String(t.revealedInputs.arn).includes(":kinesis:"),
      );
      assert.equal(stream.length, 1);
      // No input transformer: the record is the whole event, as EventBridge delivers it.
      assert.equal(stream[0].revealedInputs.inputTransformer, undefined);
      records.push(event);
    }
    assert.notEqual(records[0].id, records[1].id);
    assert.ok(records[0].detail.messageId, "an immutable id to drop the replica by");
    assert.equal(records[0].detail.messageId, records[1].detail.messageId);
  });
});
