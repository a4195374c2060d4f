/**
 * The fleet policy contract: what an IoT policy the API writes or attaches may let a device do.
 * A device connects only as its own thing, publishes, subscribes and receives only under its own
 * topics, may listen to (never publish on) the platform's topics, and gets no other action.
 * Checked by shape, a closed grammar, so each refusal names the statement at fault. Its meaning is
 * judged in the tests, not here: tests/support/devicePolicyMeaning.ts asks AWS's policy evaluation
 * (@cloud-copilot/iam-simulate, AGPL-3.0, so kept out of this Apache-2.0 function's bundle) whether
 * any document this check accepts allows a request the contract forbids.
 */
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
export const RESOURCE_TYPE_OF: Record<(typeof DEVICE_ACTIONS)[number], string> = {
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
export const IOT_ARN =
  /^arn:(aws[\w-]*):iot:([a-z0-9-]+|\*):(\d{12}|\*):(client|thing|topic|topicfilter)\/(.+)$/;
export const ANY_IOT_ARN = /^arn:(aws[\w-]*):iot:([a-z0-9-]+|\*):(\d{12}|\*):/;
const WILDCARD = /[*?+#]|\$\{/;

export type Statement = Record<string, unknown>;

function refuse(field: string, message: string): never {
  throw new RequestError(400, field, `${field}: ${message}`);
}

export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

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
      const platformTopic = platformTopicFor(resource, thingName, contract);
      if (platformTopic)
        refuse(
          `${at}.Resource`,
          `${JSON.stringify(resource)} resolves, for device ${JSON.stringify(thingName)}, to ${platformTopic}, the platform's topic: a device's policy variables must not reach it`,
        );
      if (!isOwnResource(resource, thingName, contract, actions as string[]))
        refuse(
          `${at}.Resource`,
          `${JSON.stringify(resource)} is not the device's own: expected client/ or thing/ of the thing name (or ${THING_NAME_VARIABLE}), a topic whose levels name the thing before any wildcard, or ${contract.listenOnlyTopics.map((t) => JSON.stringify(t)).join(", ")} to subscribe and receive only`,
        );
    }
  });
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

/**
 * The platform topic a topic resource reaches once IoT substitutes the device's own thing name for
 * the policy variable (a device named "reconnect" turns `iot-dr/${thing}` into the reconnect
 * topic), or undefined. IoT substitutes policy variables at authorization time (IoT Core policy
 * variables), so the shape is judged on what it resolves to, not on how it is spelled.
 */
function platformTopicFor(
  resource: string,
  thingName: string,
  contract: FleetContract,
): string | undefined {
  const match = IOT_ARN.exec(resource);
  if (!match || (match[4] !== "topic" && match[4] !== "topicfilter")) return undefined;
  const rest = match[5];
  if (!rest.includes(THING_NAME_VARIABLE)) return undefined;
  const resolved = rest.split(THING_NAME_VARIABLE).join(thingName);
  return contract.listenOnlyTopics.find(
    (topic) => resolved === topic || resolved.startsWith(`${topic}/`),
  );
}

function canonical(action: string): (typeof DEVICE_ACTIONS)[number] {
  return DEVICE_ACTIONS.find((a) => a.toLowerCase() === action.toLowerCase())!;
}
