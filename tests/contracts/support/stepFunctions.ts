/**
 * Runs a planned state machine definition on an input, for the subset of the Amazon States
 * Language this project's workflows use, so a contract test can drive the events EventBridge
 * delivers through the real definition. Written from AWS's documentation:
 * - States language (Pass, Wait, Succeed, Fail, Task; Next/End; Catch with ErrorEquals):
 *   https://states-language.net/spec.html
 * - JSONata as the query language (`QueryLanguage: "JSONata"`, `{% expr %}` strings, `$states.input`,
 *   `Arguments`, `Output`): https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * - The DynamoDB PutItem integration (`arn:aws:states:::dynamodb:putItem`) and its error names
 *   (`DynamoDB.ConditionalCheckFailedException`):
 *   https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 * Retry is accepted and never fires (the fake table fails only on its condition). Anything else
 * (JSONPath expressions, Choice, Map, Parallel, other tasks) is refused, so a
 * workflow that grows past the subset fails its contract test instead of passing unexercised.
 */
import jsonata from "jsonata";

export class UnsupportedDefinition extends Error {}

/** The part of DynamoDB a putItem task reaches: a conditional put. */
export interface PutItemPort {
  /** Throws an error named `ConditionalCheckFailedException` when the condition fails. */
  putItem(input: Record<string, unknown>): Promise<void>;
}

export interface Execution {
  /** Names of the states entered, in order. */
  visited: string[];
  /** The states entered, with their type and resource. */
  steps: { name: string; type: string; resource?: string }[];
  status: "SUCCEEDED" | "FAILED";
}

type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean };

async function evaluate(value: unknown, states: Record<string, unknown>): Promise<unknown> {
  if (typeof value === "string") {
    const match = /^\{%([\s\S]*)%\}$/.exec(value.trim());
    if (!match) return value;
    return (await jsonata(match[1]).evaluate({}, { states })) as unknown;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => evaluate(v, states)));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await evaluate(v, states);
    return out;
  }
  return value;
}

export async function runStateMachine(
  definitionJson: string,
  input: unknown,
  dynamodb: PutItemPort,
): Promise<Execution> {
  const definition = JSON.parse(definitionJson) as {
    QueryLanguage?: string;
    StartAt: string;
    States: Record<string, State>;
  };
  const visited: string[] = [];
  const steps: Execution["steps"] = [];
  let current = definition.StartAt;
  let data: unknown = input;
  for (let guard = 0; guard < 100; guard++) {
    const state = definition.States[current];
    if (!state) throw new UnsupportedDefinition(`no state ${current}`);
    const language = (state.QueryLanguage as string | undefined) ?? definition.QueryLanguage;
    const pathFields = ["InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector"];
    const identity =
      ["Pass", "Wait", "Succeed", "Fail"].includes(state.Type) &&
      state.Result === undefined &&
      pathFields.every((f) => state[f] === undefined);
    if (language !== "JSONata" && !identity) {
      // JSONPath (the default query language) is modelled only where it changes nothing.
      throw new UnsupportedDefinition(`state ${current}: query language ${language ?? "JSONPath"}`);
    }
    visited.push(current);
    steps.push({ name: current, type: state.Type, resource: state.Resource as string | undefined });
    const ctx = { input: data, context: {} };
    let result: unknown = data;
    let next: string | undefined;
    switch (state.Type) {
      case "Succeed":
        return { visited, steps, status: "SUCCEEDED" };
      case "Fail":
        return { visited, steps, status: "FAILED" };
      case "Wait":
        // Time is the scenario's business: the test orders the executions.
        break;
      case "Pass":
        if (state.Output !== undefined) result = await evaluate(state.Output, ctx);
        break;
      case "Task": {
        if (state.Resource !== "arn:aws:states:::dynamodb:putItem") {
          throw new UnsupportedDefinition(`state ${current}: resource ${String(state.Resource)}`);
        }
        // Retry only repeats a failed call; the fake table fails only on its condition.
        const args = (await evaluate(state.Arguments, ctx)) as Record<string, unknown>;
        try {
          await dynamodb.putItem(args);
          result =
            state.Output !== undefined ? await evaluate(state.Output, { ...ctx, result: {} }) : {};
        } catch (error) {
          const name = `DynamoDB.${(error as Error).name}`;
          const catcher = ((state.Catch as { ErrorEquals: string[]; Next: string }[]) ?? []).find(
            (c) => c.ErrorEquals.includes(name) || c.ErrorEquals.includes("States.ALL"),
          );
          if (!catcher) return { visited, steps, status: "FAILED" };
          next = catcher.Next;
        }
        break;
      }
      default:
        throw new UnsupportedDefinition(`state ${current}: type ${state.Type}`);
    }
    data = result;
    if (next) {
      current = next;
      continue;
    }
    if (state.End === true) return { visited, steps, status: "SUCCEEDED" };
    if (!state.Next) throw new UnsupportedDefinition(`state ${current}: neither Next nor End`);
    current = state.Next;
  }
  throw new UnsupportedDefinition("more than 100 transitions");
}

/**
 * A DynamoDB table reached from both regions, as a global table is once replication has caught
 * up: conditional puts of either region see the other's items. Only the conditions this project
 * writes are modelled (`attribute_not_exists(<key>)`).
 */
export class ReplicatedTable implements PutItemPort {
  readonly items = new Map<string, Record<string, unknown>>();

  constructor(
    readonly tableName: string,
    readonly hashKey: string,
  ) {}

  putItem(input: Record<string, unknown>): Promise<void> {
    if (input.TableName !== this.tableName) {
      return Promise.reject(new Error(`ResourceNotFoundException: ${String(input.TableName)}`));
    }
    const item = input.Item as Record<string, Record<string, string>>;
    const key = item?.[this.hashKey]?.S;
    if (typeof key !== "string" || key === "") {
      const error = new Error(`ValidationException: no string ${this.hashKey} in the item`);
      error.name = "ValidationException";
      return Promise.reject(error);
    }
    const condition = input.ConditionExpression;
    if (condition !== undefined && condition !== `attribute_not_exists(${this.hashKey})`) {
      return Promise.reject(new UnsupportedDefinition(`condition ${JSON.stringify(condition)}`));
    }
    if (condition !== undefined && this.items.has(key)) {
      const error = new Error("The conditional request failed");
      error.name = "ConditionalCheckFailedException";
      return Promise.reject(error);
    }
    this.items.set(key, item);
    return Promise.resolve();
  }
}
