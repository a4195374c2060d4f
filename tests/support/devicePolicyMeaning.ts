/**
 * The meaning half of the fleet policy contract, for the tests: the first request the contract
 * forbids that AWS's evaluation of a device policy allows. The function checks policies by shape
 * only (functions/commandControl/policyContract.ts); this judge, written against AWS's own policy
 * evaluation (@cloud-copilot/iam-simulate), shows that what the shape accepts means no more.
 */
// The CommonJS build, on purpose: its ES module build reads import.meta.url when it loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import simulator = require("@cloud-copilot/iam-simulate");
import {
  ANY_IOT_ARN,
  DEVICE_ACTIONS,
  IOT_ARN,
  RESOURCE_TYPE_OF,
  THING_NAME_VARIABLE,
  listOf,
  type FleetContract,
  type Statement,
} from "../../functions/commandControl/policyContract";

/** A name that is surely not this device's. */
const otherThan = (thingName: string) =>
  thingName === "other-device" ? "another-device" : "other-device";

/**
 * The meaning half of the contract: the first request the contract forbids that AWS's evaluation
 * of `document` allows for device `thingName`, or undefined. `places` are the
 * `partition:region:account` the document names (all of them when not given).
 */
export function forbiddenAllowed(
  document: Record<string, unknown>,
  thingName: string,
  contract: FleetContract,
  places: Set<string> = placesOf(document),
): ForbiddenRequest | undefined {
  const statements = listOf(document.Statement).filter(
    (s): s is Statement => typeof s === "object" && s !== null,
  );
  const other = otherThan(thingName);
  return candidateRequests(thingName, other, contract, statements, places).find(
    (request) =>
      !withinContract(request, thingName, other, contract) && allows(document, thingName, request),
  );
}

/** Every `partition:region:account` of an IoT ARN in the document's Allow statements. */
function placesOf(document: Record<string, unknown>): Set<string> {
  const places = new Set<string>();
  for (const statement of listOf(document.Statement) as Statement[]) {
    for (const resource of listOf(statement?.Resource)) {
      const match = typeof resource === "string" ? ANY_IOT_ARN.exec(resource) : null;
      if (match) places.add(`${match[1]}:${match[2]}:${match[3]}`);
    }
  }
  return places;
}

export interface ForbiddenRequest {
  action: string;
  resource: string;
}

/**
 * Whether a concrete request of device `thingName` stays inside the contract, judged on the
 * request alone: a device action, on its own client id or thing, on a topic whose first level that
 * names a device names this one (`other` stands for every other device), on its own reserved
 * topics only, and on the platform's topics only to listen.
 */
function withinContract(
  request: ForbiddenRequest,
  thingName: string,
  other: string,
  contract: FleetContract,
): boolean {
  const action = DEVICE_ACTIONS.find((a) => a.toLowerCase() === request.action.toLowerCase());
  if (!action) return false;
  const match = IOT_ARN.exec(request.resource);
  if (!match) return false;
  const [, , , , type, rest] = match;
  if (RESOURCE_TYPE_OF[action] !== type) return true; // IoT never authorizes such a pair
  if (type === "client" || type === "thing") return rest === thingName;
  if (contract.listenOnlyTopics.includes(rest))
    return action === "iot:Subscribe" || action === "iot:Receive";
  if (contract.listenOnlyTopics.some((topic) => rest.startsWith(`${topic}/`))) return false;
  const levels = rest.split("/");
  if (levels[0].startsWith("$"))
    return levels[0] === "$aws" && levels[1] === "things" && levels[2] === thingName;
  const naming = levels.find((level) => level === thingName || level === other);
  return naming === thingName;
}

/**
 * Concrete requests to judge, in each place (partition, region, account) the policy names:
 * another client id, another thing and its shadow, the platform's topics, actions no device needs,
 * and every resource the policy allows, its wildcards filled with another device's name.
 */
function candidateRequests(
  thingName: string,
  other: string,
  contract: FleetContract,
  statements: Statement[],
  places: Set<string>,
): ForbiddenRequest[] {
  const requests: ForbiddenRequest[] = [];
  const sample = (place: string) => {
    const [partition, region, account] = place.split(":");
    return `arn:${partition}:iot:${region === "*" ? "eu-west-1" : region}:${account === "*" ? "000000000000" : account}`;
  };
  for (const place of places.size > 0 ? places : new Set(["aws:*:*"])) {
    const iot = sample(place);
    const each = (actions: readonly string[], resource: string) =>
      requests.push(...actions.map((action) => ({ action, resource: `${iot}:${resource}` })));
    each(["iot:Connect"], `client/${other}`);
    each(
      ["iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"],
      `thing/${other}`,
    );
    each(
      ["iot:Publish", "iot:RetainPublish", "iot:Receive"],
      `topic/$aws/things/${other}/shadow/update`,
    );
    each(["iot:Subscribe"], `topicfilter/$aws/things/${other}/shadow/#`);
    each(["iot:Subscribe"], "topicfilter/#");
    each(["iot:Publish", "iot:Receive"], `topic/dt/${other}/telemetry`);
    for (const topic of contract.listenOnlyTopics) {
      each(["iot:Publish", "iot:RetainPublish"], `topic/${topic}`);
      each(["iot:Publish", "iot:RetainPublish"], `topic/${topic}/${thingName}`);
    }
    each(["iot:AssumeRoleWithCertificate"], "rolealias/any");
    each(["iot:DeleteThing", "iot:UpdateCertificate"], `thing/${thingName}`);
    for (const statement of statements) {
      if (statement.Effect !== "Allow") continue;
      const actions = listOf(statement.Action).filter(
        (a): a is string => typeof a === "string" && !a.includes("*"),
      );
      for (const resource of listOf(statement.Resource)) {
        if (typeof resource !== "string" || !resource.startsWith("arn:")) continue;
        const path = resource.split(":").slice(5).join(":");
        for (const fill of [other, "x"]) {
          const concrete = path
            .split(THING_NAME_VARIABLE)
            .join(thingName)
            .replace(/\$\{[^}]*\}/g, other)
            // IAM's wildcards; MQTT's + and # are plain characters in a policy's ARN.
            .replace(/[*?]/g, fill);
          each(actions, concrete);
        }
      }
    }
  }
  return requests;
}

/** AWS's evaluation of the document for one request of device `thingName`. */
function allows(document: Record<string, unknown>, thingName: string, request: ForbiddenRequest) {
  const account = request.resource.split(":")[4];
  // A device chooses its client id when it connects: only Connect's resource says which.
  const clientId = request.resource.includes(":client/")
    ? request.resource.slice(request.resource.indexOf(":client/") + 8)
    : thingName;
  // IoT's own context keys are not in the IAM reference, so runSimulation would drop them; the
  // unsafe evaluation takes the context as given.
  const result = simulator.runUnsafeSimulation(
    {
      request: {
        principal: `${request.resource.split(":").slice(0, 5).join(":")}:cert/device`,
        action: request.action,
        resource: { resource: request.resource, accountId: account },
        contextVariables: {
          "iot:Connection.Thing.ThingName": thingName,
          "iot:ClientId": clientId,
          "iot:Connection.Thing.IsAttached": "true",
        },
      },
      identityPolicies: [{ name: "device policy", policy: document }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return result === "Allowed";
}
