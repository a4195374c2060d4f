import { PlannedResource } from "../../../plan/engine";
import { StackReport } from "../../../plan/run";

export const IOT_ACCOUNT = "222222222222";
export const REGIONS = { primary: "eu-west-1", secondary: "eu-central-1" } as const;

/** One resource by logical name; fails when there is none or several. */
export function named(report: StackReport, name: string, type?: string): PlannedResource {
  const found = report.resources.filter((r) => r.name === name && (!type || r.type === type));
  if (found.length !== 1) {
    throw new Error(`stack ${report.stack}: expected one ${name}, found ${found.length}`);
  }
  return found[0];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource?: string[];
  Principal?: Record<string, string[]>;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document held in `key` of a resource's inputs. */
export function statementsOf(resource: PlannedResource, key = "policy"): PolicyStatement[] {
  const doc = JSON.parse(String(resource.revealedInputs[key])) as { Statement: PolicyStatement[] };
  return doc.Statement;
}

/** The statement with `sid`; fails when there is none. */
export function statement(statements: PolicyStatement[], sid: string): PolicyStatement {
  const found = statements.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(statements)}`);
  return found;
}

/** Cloud resources of the IoT plane: everything under its component (by URN). */
export function iotPlaneResources(report: StackReport): PlannedResource[] {
  return report.resources.filter(
    (r) => r.custom && r.urn.split("::")[2].includes("iot-dr:components:ReplicatedIotPlane$"),
  );
}

/** A JSON document held as a string input, parsed as the shape the test expects. */
export function jsonOf<T>(value: unknown): T {
  return JSON.parse(String(value)) as T;
}
