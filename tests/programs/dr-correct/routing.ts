import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, policyDocument } from "../evasions/kit";
import { Regional } from "./regional";

const ZONE = "Z0SAMPLEZONE";

function healthCheck(name: string, fqdn: string, provider: aws.Provider) {
  return new aws.route53.HealthCheck(
    name,
    {
      type: "HTTPS",
      fqdn,
      port: 443,
      resourcePath: "/health",
      requestInterval: 10,
      failureThreshold: 3,
    },
    { provider },
  );
}

/** Active-active: latency and weighted records, each region's with its own health check. */
export function activeActiveRecords({ both, west }: Regional) {
  for (const [policy, name] of [
    ["latency", "ingest.fleet.example.net"],
    ["weighted", "console.fleet.example.net"],
  ] as const) {
    for (const [region] of both) {
      const target = `${policy}.${region}.fleet.example.net`;
      const check = healthCheck(`${policy}-check-${region}`, target, west);
      new aws.route53.Record(
        `${policy}-record-${region}`,
        {
          zoneId: ZONE,
          name,
          type: "CNAME",
          ttl: 5,
          records: [target],
          setIdentifier: region,
          healthCheckId: check.id,
          ...(policy === "latency"
            ? { latencyRoutingPolicies: [{ region }] }
            : { weightedRoutingPolicies: [{ weight: 50 }] }),
        },
        { provider: west },
      );
    }
  }
}

/** A failover pair whose PRIMARY and SECONDARY answer from different regions. */
export function failoverPair({ both, west }: Regional) {
  both.forEach(([region], i) => {
    const target = `api.${region}.fleet.example.net`;
    const check = i === 0 ? healthCheck("api-check", target, west) : undefined;
    new aws.route53.Record(
      `api-${i === 0 ? "primary" : "secondary"}`,
      {
        zoneId: ZONE,
        name: "api.fleet.example.net",
        type: "CNAME",
        ttl: 5,
        records: [target],
        setIdentifier: region,
        failoverRoutingPolicies: [{ type: i === 0 ? "PRIMARY" : "SECONDARY" }],
        ...(check ? { healthCheckId: check.id } : {}),
      },
      { provider: west },
    );
  });
}

/** Lambda@Edge: one function in us-east-1 that CloudFront replicates to its edge locations. */
export function edgeFunction({ virginia }: Regional) {
  const role = new aws.iam.Role(
    "edge-fn-role",
    {
      assumeRolePolicy: policyDocument({
        Effect: "Allow",
        Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] },
        Action: "sts:AssumeRole",
      }),
    },
    { provider: virginia },
  );
  const fn = new aws.lambda.Function(
    "edge-fn",
    {
      runtime: "nodejs22.x",
      handler: "index.handler",
      role: role.arn,
      publish: true,
      code: new pulumi.asset.AssetArchive({
        "index.mjs": new pulumi.asset.StringAsset(
          "export const handler = async (event) => event.Records[0].cf.request;",
        ),
      }),
    },
    { provider: virginia },
  );
  new aws.cloudfront.Distribution(
    "edge-cdn",
    {
      enabled: true,
      origins: [
        {
          originId: "api",
          domainName: "api.fleet.example.net",
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: ["TLSv1.2"],
          },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: "api",
        viewerProtocolPolicy: "https-only",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        lambdaFunctionAssociations: [{ eventType: "viewer-request", lambdaArn: fn.qualifiedArn }],
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { cloudfrontDefaultCertificate: true },
    },
    { provider: virginia },
  );
}

/** A deploy role for one repository's main branch, by its exact token subject. */
export function repositoryDeployRole({ west }: Regional) {
  const host = "token.actions.githubusercontent.com";
  const provider = new aws.iam.OpenIdConnectProvider(
    "github",
    { url: `https://${host}`, clientIdLists: ["sts.amazonaws.com"] },
    { provider: west },
  );
  const role = new aws.iam.Role(
    "deploy-from-main",
    {
      assumeRolePolicy: provider.arn.apply((arn) =>
        policyDocument({
          Effect: "Allow",
          Principal: { Federated: arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${host}:aud`]: "sts.amazonaws.com",
              [`${host}:sub`]: "repo:fleet-org/iot-dr:ref:refs/heads/main",
            },
          },
        }),
      ),
    },
    { provider: west },
  );
  new aws.iam.RolePolicy(
    "deploy-from-main-policy",
    {
      role: role.name,
      policy: policyDocument({
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: `arn:aws:iam::${ACCOUNT}:role/iot-dr-deploy`,
      }),
    },
    { provider: west },
  );
}

/**
 * What the private APIs below admit: only the VPC endpoint of the region's aggregator, in both
 * forms AWS documents (an Allow on the endpoint, a Deny of every other).
 */
const onlyThroughEndpoint = (region: string) =>
  policyDocument(
    {
      Effect: "Allow",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringEquals: { "aws:SourceVpce": `vpce-aggregator-${region}` } },
    },
    {
      Effect: "Deny",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
      Condition: { StringNotEquals: { "aws:SourceVpce": `vpce-aggregator-${region}` } },
    },
  );

/**
 * A private API per region defined by an OpenAPI body that carries its resource policy
 * (x-amazon-apigateway-policy): its operations need no authorization, the endpoint is the gate.
 */
export function privateApiFromBody({ both }: Regional) {
  for (const [region, provider] of both) {
    new aws.apigateway.RestApi(
      `fleet-status-${region}`,
      {
        endpointConfiguration: { types: "PRIVATE" },
        body: JSON.stringify({
          openapi: "3.0.1",
          info: { title: "fleet-status", version: "1" },
          paths: {
            "/status": {
              get: { "x-amazon-apigateway-integration": { type: "mock" } },
            },
          },
          "x-amazon-apigateway-policy": JSON.parse(onlyThroughEndpoint(region)) as unknown,
        }),
      },
      { provider },
    );
  }
}

/** A private API per region with an open method, its policy a separate RestApiPolicy. */
export function privateApiWithPolicyResource({ both }: Regional) {
  for (const [region, provider] of both) {
    const api = new aws.apigateway.RestApi(
      `fleet-admin-${region}`,
      { endpointConfiguration: { types: "PRIVATE" } },
      { provider },
    );
    new aws.apigateway.RestApiPolicy(
      `fleet-admin-policy-${region}`,
      { restApiId: api.id, policy: onlyThroughEndpoint(region) },
      { provider },
    );
    new aws.apigateway.Method(
      `fleet-admin-get-${region}`,
      {
        restApi: api.id,
        resourceId: api.rootResourceId,
        httpMethod: "GET",
        authorization: "NONE",
      },
      { provider },
    );
  }
}
