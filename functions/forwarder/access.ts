/** The AWS calls of the telemetry forwarder (see functions/shared/access.ts). */
import type { AccessDeclaration } from "../shared/access";

export const FORWARDER_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "forwarder" },
  calls: [
    {
      action: "ssm:GetParameter",
      resource: "arn:{partition}:ssm:{region}:{account}:parameter{env.ENDPOINT_ID_PARAMETER}",
    },
    {
      // Through the global endpoint the event lands on the bus of that name in whichever region
      // the endpoint routes to, so both regions' buses must admit it.
      action: "events:PutEvents",
      resource: "{inRegion:{env.EVENT_BUS_ARN}}",
      regions: ["{pairRegions}"],
      context: { "events:source": "{env.EVENT_SOURCE}" },
    },
  ],
};
