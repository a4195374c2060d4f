import * as aws from "@pulumi/aws";

// A public API with an anonymous method.
const api = new aws.apigateway.RestApi("devices", { name: "devices" });
const resource = new aws.apigateway.Resource("devices-things", {
  restApi: api.id,
  parentId: api.rootResourceId,
  pathPart: "things",
});
new aws.apigateway.Method("devices-things-post", {
  restApi: api.id,
  resourceId: resource.id,
  httpMethod: "POST",
  authorization: "NONE",
});
// A health API that is regional and admits anyone.
new aws.apigateway.RestApi("iot-health", {
  name: "iot-health",
  endpointConfiguration: { types: "REGIONAL" },
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }],
  }),
});
// Another account may assume this role with no external id, and it can do anything.
new aws.iam.Role("partner", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::999999999999:root" },
        Action: "sts:AssumeRole",
      },
    ],
  }),
  inlinePolicies: [
    {
      name: "everything",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      }),
    },
  ],
});
