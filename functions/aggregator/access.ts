/** The AWS calls of the health aggregator (see functions/shared/access.ts). */
import type { AccessDeclaration } from "../shared/access";

export const AGGREGATOR_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "aggregator" },
  calls: [
    {
      // An unsigned GET through the VPC's execute-api endpoint: only the API's resource policy
      // (aws:SourceVpce) lets it in.
      action: "execute-api:Invoke",
      resource: "{executeApi:GET {env.HEALTH_APIS[].url}}",
      by: "http",
      unsigned: true,
      context: { "aws:SourceVpce": "{vpcEndpoint:execute-api}" },
    },
    {
      action: "cloudwatch:PutMetricData",
      resource: "*",
      context: { "cloudwatch:namespace": "{env.METRIC_NAMESPACE}" },
    },
  ],
};
