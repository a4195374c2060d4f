import { StackValidationPolicy } from "@pulumi/policy";
import {
  Subject,
  asList,
  asRecord,
  asString,
  commonSchema,
  conditionKeys,
  ofType,
  pointsAt,
  statementsOf,
  subjectOf,
} from "./support";

const REST_API = "aws:apigateway/restApi:RestApi";
const REST_API_POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy";

/** The tag that marks a health API; a name ending in "-health" (or "health") marks it too. */
export const HEALTH_API_TAG = { key: "iot-dr:api", value: "health" };

export function isHealthApi(api: Subject): boolean {
  const tags = asRecord(api.props.tags);
  if (tags[HEALTH_API_TAG.key] === HEALTH_API_TAG.value) return true;
  const name = asString(api.props.name) ?? api.name;
  return /(^|-)health$/.test(name);
}

/** The API a method, integration or policy belongs to (`restApi` / `restApiId` is the API id). */
const apiOf = (s: Subject, apis: Subject[]) =>
  apis.find((api) => pointsAt(s.props.restApi ?? s.props.restApiId, api));

/**
 * Route 53 health checkers cannot reach private APIs, so the aggregator inside the VPC calls
 * them through the execute-api interface endpoint; the policy must admit only that endpoint.
 */
export const apigatewayHealthApiPrivate: StackValidationPolicy = {
  name: "apigateway-health-api-private",
  description: `API Gateway health APIs (tag ${HEALTH_API_TAG.key}=${HEALTH_API_TAG.value}, or a name ending in "-health") must be PRIVATE endpoints whose resource policy admits only a VPC endpoint: every Allow conditioned on aws:SourceVpce, or a Deny when aws:SourceVpce differs.`,
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    const apis = ofType(subjects, REST_API);
    for (const api of apis.filter(isHealthApi)) {
      const name = asString(api.props.name) ?? api.name;
      const types = asList(asRecord(api.props.endpointConfiguration).types).map(String);
      if (types.length !== 1 || types[0] !== "PRIVATE") {
        report(
          `Health API ${name} must be private: set endpointConfiguration: { types: "PRIVATE" } (it is ${types.join(", ") || "EDGE by default"}).`,
          api.urn,
        );
      }
      const documents = [
        api.props.policy,
        ...ofType(subjects, REST_API_POLICY)
          .filter((p) => apiOf(p, apis) === api)
          .map((p) => p.props.policy),
      ].filter((d) => asString(d));
      const statements = documents.flatMap(statementsOf);
      const hasVpce = (s: ReturnType<typeof statementsOf>[number]) =>
        conditionKeys(s).includes("aws:sourcevpce");
      const allows = statements.filter((s) => s.effect === "Allow");
      const restricted =
        statements.some((s) => s.effect === "Deny" && hasVpce(s)) ||
        (allows.length > 0 && allows.every(hasVpce));
      if (!restricted) {
        report(
          `Health API ${name} must restrict its resource policy to the shared-services execute-api VPC endpoint: condition every Allow on aws:SourceVpce (or Deny when aws:SourceVpce differs).`,
          api.urn,
        );
      }
    }
  },
};

/**
 * Public APIs change devices; anonymous methods would let anyone onboard or suspend them. A
 * CORS preflight (OPTIONS) may stay open when a MOCK integration answers it without a backend.
 */
export const apigatewayMethodAuthorized: StackValidationPolicy = {
  name: "apigateway-method-authorized",
  description:
    'API Gateway methods of APIs other than health APIs must require AWS_IAM or an authorizer (authorization not "NONE"); only OPTIONS methods answered by a MOCK integration may be open.',
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateStack: (args, report) => {
    const subjects = args.resources.map(subjectOf);
    const apis = ofType(subjects, REST_API);
    for (const method of ofType(subjects, "aws:apigateway/method:Method")) {
      const api = apiOf(method, apis);
      if (api && isHealthApi(api)) continue;
      if ((asString(method.props.authorization) ?? "NONE").toUpperCase() !== "NONE") continue;
      const verb = String(method.props.httpMethod);
      const mocked =
        verb === "OPTIONS" &&
        ofType(subjects, "aws:apigateway/integration:Integration").some(
          (i) =>
            i.props.restApi === method.props.restApi &&
            i.props.resourceId === method.props.resourceId &&
            i.props.httpMethod === "OPTIONS" &&
            i.props.type === "MOCK",
        );
      if (mocked) continue;
      report(
        `API Gateway method ${verb} ${method.name}${api ? ` of API ${asString(api.props.name) ?? api.name}` : ""} is open (authorization "NONE"): set authorization "AWS_IAM" or an authorizer.`,
        method.urn,
      );
    }
  },
};
