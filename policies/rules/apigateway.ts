import { StackValidationPolicy } from "@pulumi/policy";
import { Undecided, isUnknown } from "./preview";
import {
  IamStatement,
  Subject,
  asList,
  asRecord,
  asString,
  commonSchema,
  ofType,
  refersTo,
  statementsOf,
  subjectOf,
} from "./support";
import { holdsForEveryOutsider, restrictsOn } from "../simulation/conditions";
import { operationsOf, parsedBody } from "./openApi";

const REST_API = "aws:apigateway/restApi:RestApi";
const HTTP_API = "aws:apigatewayv2/api:Api";
const REST_API_POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy";
const DOMAIN_NAME = "aws:apigateway/domainName:DomainName";

/** Endpoint types of an API or domain; absent means EDGE (the API Gateway default). */
const endpointTypes = (s: Subject) =>
  asList(asRecord(s.props.endpointConfiguration).types).map(String);

const apiName = (api: Subject) => asString(api.props.name) ?? api.name;

/** The API a method, integration or policy belongs to (`restApi` / `restApiId`). */
const apiOf = (s: Subject, apis: Subject[]) =>
  apis.find((api) => refersTo(s, "restApi", api) || refersTo(s, "restApiId", api));

/** Keys that tie a caller to a VPC endpoint or VPC. */
const VPC_KEYS = ["aws:sourcevpce", "aws:sourcevpc"];

/**
 * A Deny that no caller outside our endpoints escapes, whatever else it sends: it holds when the
 * request has no endpoint or another endpoint than ours (conditions as AWS evaluates them).
 */
const deniesOtherEndpoints = (s: IamStatement) =>
  s.effect === "Deny" && holdsForEveryOutsider(s, VPC_KEYS);

/**
 * Whether the API's resource policies admit only callers through a VPC endpoint: every Allow
 * restricted on aws:SourceVpce / aws:SourceVpc, or a Deny for any other endpoint. undefined when a
 * policy is only known at deploy.
 */
function vpcOnly(api: Subject, subjects: Subject[], apis: Subject[]): boolean | undefined {
  const documents = [
    api.props.policy,
    ...ofType(subjects, REST_API_POLICY)
      .filter((p) => apiOf(p, apis) === api)
      .map((p) => p.props.policy),
  ].filter((d) => d !== undefined);
  if (documents.some(isUnknown)) return undefined;
  const statements = documents.flatMap(statementsOf);
  const allows = statements.filter((s) => s.effect === "Allow");
  return (
    statements.some(deniesOtherEndpoints) ||
    (allows.length > 0 && allows.every((s) => restrictsOn(s, VPC_KEYS)))
  );
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
    "PRIVATE API Gateway APIs must have a resource policy (policy on the API, or aws.apigateway.RestApiPolicy) that admits only VPC endpoints: every Allow restricted on aws:SourceVpce or aws:SourceVpc, or a Deny that holds for every other endpoint, with conditions as AWS evaluates them (IAM simulator: not IfExists, not ForAllValues, no wildcard the caller can fill).",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    const apis = ofType(subjects, REST_API);
    const undecided = new Undecided();
    for (const api of apis.filter(isPrivate)) {
      const only = vpcOnly(api, subjects, apis);
      if (only === undefined) undecided.add(`resource policy of API ${apiName(api)}`);
      else if (!only) {
        report(
          `Private API ${apiName(api)} must restrict its resource policy to your VPC endpoints: condition every Allow on aws:SourceVpce (or Deny when aws:SourceVpce is not your endpoint).`,
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
        const only = vpcOnly(api, subjects, apis);
        if (only === undefined) {
          undecided.add(`open method ${method.name} of private API ${apiName(api)}`);
          continue;
        }
        if (only) continue;
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
        const only = vpcOnly(api, subjects, apis);
        if (only === undefined) {
          undecided.add(`open operations of private API ${apiName(api)}`);
          continue;
        }
        if (only) continue;
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
