/**
 * The fleet policy contract: what an IoT policy the API writes or attaches may let a device do.
 * A device connects only as its own thing, publishes, subscribes and receives only under its own
 * topics, may listen to (never publish on) the platform's topics, and gets no other action.
 * Checked twice: the shape, so each refusal names the statement at fault, and the meaning, by
 * evaluating requests the contract forbids with AWS's policy evaluation (@cloud-copilot/iam-simulate).
 */
// The CommonJS build, on purpose: its ES module build reads import.meta.url when it loads, which a
// CommonJS Lambda bundle does not have (the function then fails at cold start).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import simulator = require("@cloud-copilot/iam-simulate");
import { RequestError } from "./validate";

export interface FleetContract {
  /** Topics the platform publishes to devices (the reconnect instruction): listen only. */
  listenOnlyTopics: string[];
}

/** The MQTT and shadow actions a device policy may allow; anything else is refused. */
export const DEVICE_ACTIONS = [
  "iot:Connect",
  "iot:Publish",
  "iot:RetainPublish",
  "iot:Subscribe",
  "iot:Receive",
  "iot:GetThingShadow",
  "iot:UpdateThingShadow",
  "iot:DeleteThingShadow",
] as const;

/** The thing-name policy variable: a connection's own thing (IoT Core policy variables). */
export const THING_NAME_VARIABLE = "${iot:Connection.Thing.ThingName}";

/** Which resource type each device action is authorized against (IoT Core policy actions). */
const RESOURCE_TYPE_OF: Record<(typeof DEVICE_ACTIONS)[number], string> = {
  "iot:Connect": "client",
  "iot:Publish": "topic",
  "iot:RetainPublish": "topic",
  "iot:Receive": "topic",
  "iot:Subscribe": "topicfilter",
  "iot:GetThingShadow": "thing",
  "iot:UpdateThingShadow": "thing",
  "iot:DeleteThingShadow": "thing",
};
const STATEMENT_KEYS = ["Sid", "Effect", "Action", "Resource", "Condition"];
const IOT_ARN =
  /^arn:(aws[\w-]*):iot:([a-z0-9-]+|\*):(\d{12}|\*):(client|thing|topic|topicfilter)\/(.+)$/;
const ANY_IOT_ARN = /^arn:(aws[\w-]*):iot:([a-z0-9-]+|\*):(\d{12}|\*):/;
const WILDCARD = /[*?+#]|\$\{/;

type Statement = Record<string, unknown>;

function refuse(field: string, message: string): never {
  throw new RequestError(400, field, `${field}: ${message}`);
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * Refuses (400, naming the field) a policy document that would let device `thingName` step outside
 * the contract. `field` is where the document came from: the request's, or an existing policy's.
 */
export function checkDevicePolicy(
  document: Record<string, unknown>,
  thingName: string,
  contract: FleetContract,
  field = "policy.document",
): void {
  const statements = listOf(document.Statement);
  statements.forEach((value, index) => {
    const at = `${field}.Statement[${index}]`;
    if (typeof value !== "object" || value === null || Array.isArray(value))
      refuse(at, "expected a statement object");
    const statement = value as Statement;
    for (const key of Object.keys(statement)) {
      if (!STATEMENT_KEYS.includes(key))
        refuse(
          `${at}.${key}`,
          `is not accepted in a device policy: expected only ${STATEMENT_KEYS.join(", ")}`,
        );
    }
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny")
      refuse(`${at}.Effect`, 'expected "Allow" or "Deny"');
    const actions = listOf(statement.Action);
    const resources = listOf(statement.Resource);
    if (actions.length === 0 || actions.some((a) => typeof a !== "string"))
      refuse(`${at}.Action`, "expected an action or a non-empty list of actions");
    if (resources.length === 0 || resources.some((r) => typeof r !== "string"))
      refuse(`${at}.Resource`, "expected a resource ARN or a non-empty list of them");
    // A Deny only narrows what the device may do.
    if (statement.Effect === "Deny") return;
    for (const action of actions as string[]) {
      if (!DEVICE_ACTIONS.some((a) => a.toLowerCase() === action.toLowerCase()))
        refuse(
          `${at}.Action`,
          `${JSON.stringify(action)} is not an action a device may be granted: expected some of ${DEVICE_ACTIONS.join(", ")}`,
        );
    }
    for (const resource of resources as string[]) {
      if (!isOwnResource(resource, thingName, contract, actions as string[]))
        refuse(
          `${at}.Resource`,
          `${JSON.stringify(resource)} is not the device's own: expected client/ or thing/ of the thing name (or ${THING_NAME_VARIABLE}), a topic whose levels name the thing before any wildcard, or ${contract.listenOnlyTopics.map((t) => JSON.stringify(t)).join(", ")} to subscribe and receive only`,
        );
    }
  });
  const allowed = forbiddenAllowed(document, thingName, contract);
  if (allowed) {
    refuse(
      field,
      `lets device ${JSON.stringify(thingName)} ${allowed.action} on ${allowed.resource}, which the fleet contract forbids (another device's or the platform's)`,
    );
  }
}

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

/** Whether an Allow statement's resource is the device's own (the contract's shape). */
function isOwnResource(
  resource: string,
  thingName: string,
  contract: FleetContract,
  actions: string[],
): boolean {
  const match = IOT_ARN.exec(resource);
  if (!match) return false;
  const [, , , , type, rest] = match;
  const own = (level: string) => level === thingName || level === THING_NAME_VARIABLE;
  if (type === "client" || type === "thing") return own(rest);
  if (contract.listenOnlyTopics.includes(rest)) {
    // Only as a listener, and only for the actions a listener needs.
    return actions.every(
      (a) =>
        RESOURCE_TYPE_OF[canonical(a)] !== type ||
        ["iot:Subscribe", "iot:Receive"].includes(canonical(a)),
    );
  }
  const levels = rest.split("/");
  const ownLevel = levels.findIndex(own);
  if (ownLevel < 0) return false;
  if (levels.slice(0, ownLevel).some((level) => WILDCARD.test(level))) return false;
  // After the thing's own level, wildcards stay within its topics; other variables could not.
  if (levels.slice(ownLevel + 1).some((level) => level.includes("${"))) return false;
  // Reserved topics: only the thing's own under $aws/things/<thing>/.
  if (levels[0].startsWith("$"))
    return levels[0] === "$aws" && levels[1] === "things" && ownLevel === 2;
  // Nothing under a platform topic, even with the thing's name in it.
  return !contract.listenOnlyTopics.some((topic) => rest.startsWith(`${topic}/`));
}

function canonical(action: string): (typeof DEVICE_ACTIONS)[number] {
  return DEVICE_ACTIONS.find((a) => a.toLowerCase() === action.toLowerCase())!;
}

export interface ForbiddenRequest {
  action: string;
  resource: string;
}

/** A name that is surely not this device's. */
const otherThan = (thingName: string) =>
  thingName === "other-device" ? "another-device" : "other-device";

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
