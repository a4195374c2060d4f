import { StackValidationPolicy } from "@pulumi/policy";
import { Undecided, isUnknown } from "./preview";
import {
  Subject,
  asList,
  asRecord,
  asString,
  commonSchema,
  ofType,
  refersTo,
  subjectOf,
} from "./support";
import { PrivateApi, invokeFromElsewhere } from "../simulation/privateApi";
import { operationsOf, parsedBody } from "./openApi";

const REST_API = "aws:apigateway/restApi:RestApi";
const HTTP_API = "aws:apigatewayv2/api:Api";
const REST_API_POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy";
const DOMAIN_NAME = "aws:apigateway/domainName:DomainName";
const STAGE = "aws:apigateway/stage:Stage";
const DEPLOYMENT = "aws:apigateway/deployment:Deployment";

/** Endpoint types of an API or domain; absent means EDGE (the API Gateway default). */
const endpointTypes = (s: Subject) =>
  asList(asRecord(s.props.endpointConfiguration).types).map(String);

const apiName = (api: Subject) => asString(api.props.name) ?? api.name;

/** The API a method, integration or policy belongs to (`restApi` / `restApiId`). */
const apiOf = (s: Subject, apis: Subject[]) =>
  apis.find((api) => refersTo(s, "restApi", api) || refersTo(s, "restApiId", api));

/** A value only `pulumi up` knows. */
const AT_DEPLOY = Symbol("known at deploy");

/**
 * The resource policy an API has, as candidates: the `policy` input, else the
 * `x-amazon-apigateway-policy` of its OpenAPI body (the input overrides the body's: the provider's
 * docs of RestApi.policy), and each aws.apigateway.RestApiPolicy of it. Each may be the one in
 * force (whichever was written last), so each is judged alone.
 */
function policiesOf(
  api: Subject,
  subjects: Subject[],
  apis: Subject[],
): unknown[] | typeof AT_DEPLOY {
  let own = api.props.policy;
  if (own === undefined && api.props.body !== undefined) {
    if (isUnknown(api.props.body)) return AT_DEPLOY;
    own = parsedBody(api.props.body)?.["x-amazon-apigateway-policy"];
  }
  const documents = [
    own,
    ...ofType(subjects, REST_API_POLICY)
      .filter((p) => apiOf(p, apis) === api)
      .map((p) => p.props.policy),
  ].filter((d) => d !== undefined);
  return documents.some(isUnknown) ? AT_DEPLOY : documents;
}

/** The API as the simulator asks about it: its ARN, account, stages and OpenAPI paths. */
function privateApiOf(api: Subject, subjects: Subject[], apis: Subject[]): PrivateApi {
  const account = api.account ?? "111111111111";
  const executionArn =
    asString(api.props.executionArn) ??
    `arn:aws:execute-api:${api.region ?? "us-east-1"}:${account}:${api.name}`;
  const stages = [STAGE, DEPLOYMENT]
    .flatMap((type) => ofType(subjects, type))
    .filter((s) => apiOf(s, apis) === api)
    .map((s) => asString(s.props.stageName))
    .filter((name): name is string => name !== undefined && name !== "");
  const spec = api.props.body === undefined ? undefined : parsedBody(api.props.body);
  const paths = spec ? operationsOf(spec).map((o) => o.path) : [];
  return { executionArn, account, stages, paths };
}

/**
 * Why the API's resource policies let a request from elsewhere than the program's VPC endpoints
 * invoke a method (the simulator's first such request), undefined when none does, AT_DEPLOY when a
 * policy is only known at deploy. No policy at all: API Gateway has nothing to admit the endpoints by.
 */
function elsewhereAccess(
  api: Subject,
  subjects: Subject[],
  apis: Subject[],
): string | undefined | typeof AT_DEPLOY {
  const documents = policiesOf(api, subjects, apis);
  if (documents === AT_DEPLOY) return AT_DEPLOY;
  if (documents.length === 0) return "it has no resource policy";
  const target = privateApiOf(api, subjects, apis);
  for (const document of documents) {
    const found = invokeFromElsewhere(document, target);
    if (found) return found;
  }
  return undefined;
}

const isPrivate = (api: Subject) => endpointTypes(api).includes("PRIVATE");

/**
 * An edge-optimized API or custom domain is fronted by a CloudFront distribution: the same domain
 * name cannot be an edge domain in two regions, so DNS could not fail it over. REGIONAL (behind
 * Route 53 failover) or PRIVATE (reached through a VPC endpoint) APIs live in one region each.
 */
export const apigatewayEndpointRegional: StackValidationPolicy = {
  name: "apigateway-endpoint-regional",
  description:
    'API Gateway REST APIs must set endpointConfiguration.types "REGIONAL" or "PRIVATE" (EDGE is the default), and custom domain names must be REGIONAL with a regionalCertificateArn.',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    for (const api of ofType(subjects, REST_API)) {
      const types = endpointTypes(api);
      if (types.length !== 1 || !["REGIONAL", "PRIVATE"].includes(types[0])) {
        report(
          `API ${apiName(api)} is ${types.join(", ") || "EDGE (the default)"}: set endpointConfiguration: { types: "REGIONAL" } (or "PRIVATE"), so each region serves it and DNS fails it over.`,
          api.urn,
        );
      }
    }
    for (const domain of ofType(subjects, DOMAIN_NAME)) {
      const types = endpointTypes(domain);
      if (types.length !== 1 || types[0] !== "REGIONAL") {
        report(
          `API domain name ${asString(domain.props.domainName) ?? domain.name} is ${types.join(", ") || "EDGE (the default)"}: set endpointConfiguration: { types: "REGIONAL" } and regionalCertificateArn.`,
          domain.urn,
        );
      }
    }
  },
};

/**
 * A PRIVATE API is reachable from any VPC endpoint of any account unless its resource policy says
 * which; the policy must name our endpoints (Route 53 checkers cannot reach it, the aggregator in
 * the VPC does).
 */
export const apigatewayPrivateApiPolicy: StackValidationPolicy = {
  name: "apigateway-private-api-policy",
  description:
    "PRIVATE API Gateway APIs must have a resource policy (policy on the API, x-amazon-apigateway-policy in its OpenAPI body, or aws.apigateway.RestApiPolicy) that admits only your VPC endpoints: the IAM simulator finds no request through another endpoint (or none) that may execute-api:Invoke any stage, method or path, from another account or from the API's own (Allows conditioned on aws:SourceVpce or aws:SourceVpc, or a Deny covering Invoke on the whole API for every principal; not IfExists, not ForAllValues, no wildcard the caller can fill).",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    const apis = ofType(subjects, REST_API);
    const undecided = new Undecided();
    for (const api of apis.filter(isPrivate)) {
      const access = elsewhereAccess(api, subjects, apis);
      if (access === AT_DEPLOY) undecided.add(`resource policy of API ${apiName(api)}`);
      else if (access !== undefined) {
        report(
          `Private API ${apiName(api)} must admit only your VPC endpoints, but ${access}: condition every Allow on aws:SourceVpce, or Deny execute-api:Invoke on execute-api:/* to every principal when aws:SourceVpce is not your endpoint.`,
          api.urn,
        );
      }
    }
    undecided.settle();
  },
};

/** Whether a MOCK integration answers this OPTIONS method (a CORS preflight with no backend). */
function mockedPreflight(method: Subject, subjects: Subject[], apis: Subject[]): boolean {
  if (method.props.httpMethod !== "OPTIONS") return false;
  const api = apiOf(method, apis);
  const sameResource = (i: Subject) => {
    const mine = method.props.resourceId;
    const theirs = i.props.resourceId;
    if (typeof mine === "string" && typeof theirs === "string") return mine === theirs;
    const refs = (s: Subject) => (s.refs?.resourceId ?? []).join(",");
    return refs(method) !== "" && refs(method) === refs(i);
  };
  return ofType(subjects, "aws:apigateway/integration:Integration").some(
    (i) =>
      apiOf(i, apis) === api &&
      sameResource(i) &&
      i.props.httpMethod === "OPTIONS" &&
      i.props.type === "MOCK",
  );
}

/**
 * Public APIs change devices; anonymous methods would let anyone onboard or suspend them. Open
 * methods are allowed only where the network is the gate (a PRIVATE API whose policy admits only
 * VPC endpoints) or for a CORS preflight (OPTIONS) answered by a MOCK integration.
 */
export const apigatewayMethodAuthorized: StackValidationPolicy = {
  name: "apigateway-method-authorized",
  description:
    'API Gateway methods must require AWS_IAM or an authorizer (authorization not "NONE"), HTTP/WebSocket API routes an authorizationType other than NONE, operations of an OpenAPI body (RestApi and apigatewayv2 Api) a security requirement API Gateway enforces (awsSigv4 or an authorizer), no HTTP API quick create (target, an open route), and Lambda function URLs authorizationType AWS_IAM; exceptions: methods of a PRIVATE API whose resource policy admits only VPC endpoints, and OPTIONS methods answered by a MOCK integration.',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    const apis = ofType(subjects, REST_API);
    const undecided = new Undecided();
    for (const method of ofType(subjects, "aws:apigateway/method:Method")) {
      if ((asString(method.props.authorization) ?? "NONE").toUpperCase() !== "NONE") continue;
      const api = apiOf(method, apis);
      if (api && isPrivate(api)) {
        const access = elsewhereAccess(api, subjects, apis);
        if (access === AT_DEPLOY) {
          undecided.add(`open method ${method.name} of private API ${apiName(api)}`);
          continue;
        }
        if (access === undefined) continue;
      }
      if (mockedPreflight(method, subjects, apis)) continue;
      report(
        `API Gateway method ${String(method.props.httpMethod)} ${method.name}${api ? ` of API ${apiName(api)}` : ""} is open (authorization "NONE"): set authorization "AWS_IAM" or an authorizer.`,
        method.urn,
      );
    }
    // Operations an OpenAPI body creates are methods and routes like those declared one by one.
    for (const api of [...ofType(subjects, REST_API), ...ofType(subjects, HTTP_API)]) {
      const body = api.props.body;
      if (body === undefined) continue;
      if (isUnknown(body)) {
        undecided.add(`OpenAPI body of API ${apiName(api)}`);
        continue;
      }
      const spec = parsedBody(body);
      if (!spec) {
        report(
          `API ${apiName(api)} has a body that is not an OpenAPI definition in JSON or YAML, so its operations cannot be judged: give a valid definition.`,
          api.urn,
        );
        continue;
      }
      const open = operationsOf(spec).filter((o) => o.open);
      if (open.length === 0) continue;
      if (api.type === REST_API && isPrivate(api)) {
        const access = elsewhereAccess(api, subjects, apis);
        if (access === AT_DEPLOY) {
          undecided.add(`open operations of private API ${apiName(api)}`);
          continue;
        }
        if (access === undefined) continue;
      }
      report(
        `API ${apiName(api)} defines open operations in its OpenAPI body (${open.map((o) => `${o.method} ${o.path}`).join(", ")}): give each a security requirement on an x-amazon-apigateway-authtype "awsSigv4" scheme or an x-amazon-apigateway-authorizer.`,
        api.urn,
      );
    }
    // Quick create (target) makes a $default (or routeKey) route without authorization, which
    // the program cannot manage: https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html (target, routeKey)
    for (const api of ofType(subjects, HTTP_API)) {
      if (api.props.target === undefined) continue;
      report(
        `HTTP API ${apiName(api)} is quick-created (target): its ${asString(api.props.routeKey) ?? "$default"} route is open to anyone; declare an aws.apigatewayv2.Route with authorizationType "AWS_IAM" or an authorizer instead.`,
        api.urn,
      );
    }
    for (const url of ofType(subjects, "aws:lambda/functionUrl:FunctionUrl")) {
      if ((asString(url.props.authorizationType) ?? "NONE").toUpperCase() !== "NONE") continue;
      report(
        `Lambda function URL ${url.name} is open (authorizationType NONE): anyone on the internet invokes the function; set authorizationType "AWS_IAM".`,
        url.urn,
      );
    }
    for (const route of ofType(subjects, "aws:apigatewayv2/route:Route")) {
      if ((asString(route.props.authorizationType) ?? "NONE").toUpperCase() !== "NONE") continue;
      report(
        `API Gateway route ${String(route.props.routeKey)} (${route.name}) is open (authorizationType NONE): set "AWS_IAM", "JWT" or "CUSTOM" with an authorizer.`,
        route.urn,
      );
    }
    undecided.settle();
  },
};
