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
  restrictingKeys,
  statementsOf,
  subjectOf,
} from "./support";

const REST_API = "aws:apigateway/restApi:RestApi";
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

/** A Deny for every caller whose VPC endpoint is not the listed one (a real value, not "*"). */
const deniesOtherEndpoints = (s: IamStatement) =>
  s.effect === "Deny" &&
  Object.entries(s.condition).some(
    ([operator, block]) =>
      /^string(not)?equals$|^stringnotlike$/i.test(operator) &&
      operator.toLowerCase().includes("not") &&
      Object.entries(asRecord(block)).some(
        ([key, values]) =>
          VPC_KEYS.includes(key.toLowerCase()) &&
          asList(values).length > 0 &&
          asList(values).every((v) => !/^[*?]*$/.test(String(v))),
      ),
  );

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
    (allows.length > 0 && allows.every((s) => restrictingKeys(s).some((k) => VPC_KEYS.includes(k))))
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
    "PRIVATE API Gateway APIs must have a resource policy (policy on the API, or aws.apigateway.RestApiPolicy) that admits only VPC endpoints: every Allow restricted on aws:SourceVpce or aws:SourceVpc (StringEquals, no wildcard-only value), or a Deny when aws:SourceVpce is not the listed endpoint.",
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
    'API Gateway methods must require AWS_IAM or an authorizer (authorization not "NONE"), HTTP/WebSocket API routes an authorizationType other than NONE, and Lambda function URLs authorizationType AWS_IAM; exceptions: methods of a PRIVATE API whose resource policy admits only VPC endpoints, and OPTIONS methods answered by a MOCK integration.',
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
