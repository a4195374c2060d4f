/** The AWS calls of the device reconnect function (see functions/shared/access.ts). */
import type { AccessDeclaration, DeclaredCall } from "../shared/access";

/** It runs beside the alarm in us-east-1 and acts on the IoT Core of either region. */
const BOTH = ["{env.PRIMARY_REGION}", "{env.SECONDARY_REGION}"];
const IOT = "arn:{partition}:iot:{region}:{account}";
const displacing = (call: DeclaredCall): DeclaredCall => ({
  ...call,
  when: { env: "DISPLACE_SESSIONS", equals: "true" },
});

export const RECONNECT_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "reconnect" },
  calls: [
    { action: "iot:DescribeEndpoint", resource: "*", regions: BOTH, why: "the data endpoint" },
    { action: "iot:Publish", resource: `${IOT}:topic/{env.RECONNECT_TOPIC}`, regions: BOTH },
    displacing({ action: "iot:SearchIndex", resource: `${IOT}:index/AWS_Things`, regions: BOTH }),
    displacing({
      action: "iot:DeleteConnection",
      resource: `${IOT}:client/<clientId>`,
      regions: BOTH,
    }),
  ],
};
