import { isAllowed } from "./engine";

/**
 * A device's own names and another device's: an IoT policy is written for every device, with
 * policy variables (${iot:Connection.Thing.ThingName}, ${iot:ClientId}) standing for the caller.
 */
const SELF = "iot-dr-device-a";
const OTHER = "iot-dr-device-b";
const DEVICE_CONTEXT = {
  "iot:Connection.Thing.ThingName": SELF,
  "iot:ClientId": SELF,
  "iot:Connection.Thing.IsAttached": "true",
  "iot:Certificate.Subject.CommonName": SELF,
};

/** Acting as another device or on the platform's reserved topics of another device. */
const TRESPASSES = (arn: string) => [
  {
    action: "iot:Connect",
    resource: `${arn}:client/${OTHER}`,
    what: "connect as another thing's client id",
  },
  {
    action: "iot:Publish",
    resource: `${arn}:topic/$aws/things/${OTHER}/shadow/update`,
    what: "publish to another thing's shadow",
  },
  {
    action: "iot:Publish",
    resource: `${arn}:topic/$aws/things/${OTHER}/jobs/start-next`,
    what: "publish on another thing's jobs topics",
  },
  {
    action: "iot:Subscribe",
    resource: `${arn}:topicfilter/$aws/things/${OTHER}/shadow/update/accepted`,
    what: "subscribe to another thing's shadow",
  },
  {
    action: "iot:UpdateThingShadow",
    resource: `${arn}:thing/${OTHER}`,
    what: "update another thing's shadow",
  },
];

/** What a device holding this IoT policy can do as or to another device. */
export function trespassesOf(document: unknown, region: string, account: string): string[] {
  const arn = `arn:aws:iot:${region}:${account}`;
  // The simulator evaluates identity policies for an IAM principal; IoT evaluates the same way.
  const principal = `arn:aws:iam::${account}:role/${SELF}`;
  return TRESPASSES(arn)
    .filter(({ action, resource }) =>
      isAllowed({
        principal,
        action,
        resource,
        resourceAccount: account,
        context: DEVICE_CONTEXT,
        identityPolicies: [document],
      }),
    )
    .map(({ what }) => what);
}
