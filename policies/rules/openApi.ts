import { parse } from "yaml";
import { asList, asRecord, asString } from "./support";

/**
 * The operations an OpenAPI definition (`body` of aws.apigateway.RestApi or aws.apigatewayv2.Api)
 * creates, and whether each lets anonymous callers in. API Gateway imports JSON or YAML, OpenAPI 2
 * or 3; an operation is authorized by `x-amazon-apigateway-auth` (REST), or by `security` naming
 * only schemes API Gateway enforces: `x-amazon-apigateway-authtype` (`awsSigv4` is IAM) or an
 * `x-amazon-apigateway-authorizer`. A plain apiKey scheme is an API key, which identifies a usage
 * plan and authorizes nothing. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-auth.html
 */

/** The keys of a path item that are operations (the rest: parameters, summary, servers, ...). */
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const ANY_METHOD = "x-amazon-apigateway-any-method";

export interface Operation {
  method: string;
  path: string;
  /** Anonymous callers get in. */
  open: boolean;
}

/** A body API Gateway would import: a JSON or YAML object; anything else is `undefined`. */
export function parsedBody(body: unknown): Record<string, unknown> | undefined {
  let value = body;
  if (typeof body === "string") {
    try {
      value = parse(body);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Security schemes API Gateway enforces, by name (OpenAPI 2 and 3 keep them apart). */
function enforcedSchemes(spec: Record<string, unknown>): Set<string> {
  const schemes = {
    ...asRecord(spec.securityDefinitions),
    ...asRecord(asRecord(spec.components).securitySchemes),
  };
  return new Set(
    Object.entries(schemes)
      .filter(([, scheme]) => {
        const s = asRecord(scheme);
        return (
          asString(s["x-amazon-apigateway-authtype"]) !== undefined ||
          Object.keys(asRecord(s["x-amazon-apigateway-authorizer"])).length > 0
        );
      })
      .map(([name]) => name),
  );
}

/**
 * Whether a `security` list admits anonymous callers: it is a choice of requirements, so every
 * one must name an enforced scheme; an empty list or an empty requirement `{}` admits anyone.
 */
const securityAdmitsAnyone = (security: unknown, enforced: Set<string>) => {
  const requirements = asList(security).map(asRecord);
  return (
    requirements.length === 0 ||
    requirements.some((r) => !Object.keys(r).some((name) => enforced.has(name)))
  );
};

/** A CORS preflight that API Gateway answers itself (a mock integration, no backend). */
const mockedPreflight = (method: string, operation: Record<string, unknown>) =>
  method === "options" &&
  asString(asRecord(operation["x-amazon-apigateway-integration"]).type)?.toLowerCase() === "mock";

/** Every operation of the definition, with whether it is open. */
export function operationsOf(spec: Record<string, unknown>): Operation[] {
  const enforced = enforcedSchemes(spec);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(asRecord(spec.paths))) {
    for (const [key, value] of Object.entries(asRecord(item))) {
      const method = key.toLowerCase();
      if (!METHODS.includes(method) && method !== ANY_METHOD) continue;
      const operation = asRecord(value);
      const auth = asString(asRecord(operation["x-amazon-apigateway-auth"]).type);
      const security = "security" in operation ? operation.security : spec.security;
      const open =
        (auth !== undefined
          ? auth.toUpperCase() === "NONE"
          : securityAdmitsAnyone(security, enforced)) && !mockedPreflight(method, operation);
      operations.push({ method: method === ANY_METHOD ? "ANY" : method.toUpperCase(), path, open });
    }
  }
  return operations;
}
