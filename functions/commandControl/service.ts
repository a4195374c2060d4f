import { isDeepStrictEqual } from "util";
import { RegistryItem, registryKey } from "../../core/registryItem";
import { ActualThing, ConflictError, IotStatusPort, RegistryPort } from "./ports";
import {
  ThingDesired,
  WriteContext,
  credentialId,
  decommissionWrites,
  nextVersion,
  onboardWrites,
  suspensionWrites,
} from "./registryWrites";
import { checkSignedByRegisteredCa } from "./issuer";
import { FleetContract, checkDevicePolicy } from "./policyContract";
import { OnboardRequest, RequestError, parseOnboard, validThingName } from "./validate";
import { PolicyDesired, keys } from "../../core/entities";

/** What the API's core needs from the outside. */
export interface ServiceDeps {
  registry: RegistryPort;
  /** IoT readers per region, for GET's actual state. */
  iot: Record<string, IotStatusPort>;
  /** This function's region (the writer's name). */
  region: string;
  clock: () => number;
  /** What a device policy may allow (functions/commandControl/policyContract.ts). */
  contract: FleetContract;
  /** Receives one entry per write request, refused or not. */
  audit: (entry: AuditEntry) => void;
}

/** Who signed the request, as API Gateway's IAM authorization saw it. */
export interface CallerIdentity {
  userArn: string | null;
  accountId: string | null;
  principalId: string | null;
  sourceIp: string | null;
}

/** One audited write: who asked for what, and what the API answered. */
export interface AuditEntry {
  audit: "device-api-write";
  route: string;
  device: string | null;
  caller: CallerIdentity;
  requestId: string | null;
  status: number;
  version: number | null;
  error: string | null;
}

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}

/** The route an API Gateway proxy event asks for. */
export interface RouteRequest {
  method: string;
  /** The resource template, e.g. `/devices/{name}/suspend`. */
  resource: string;
  pathName?: string;
  body?: string | null;
  caller: CallerIdentity;
  requestId?: string | null;
}

const WRITE_ROUTES = new Set([
  "POST /devices",
  "DELETE /devices/{name}",
  "POST /devices/{name}/suspend",
  "POST /devices/{name}/resume",
]);

/**
 * The API's core: validates, writes the desired state to the registry in one transaction, and
 * leaves IoT to the reconcilers (each region's reconciler applies the registry to its IoT Core, the
 * active one within about a second of the write), so the API never holds IoT write rights and a
 * region that is down catches up by itself.
 */
export async function route(request: RouteRequest, deps: ServiceDeps): Promise<ApiResult> {
  const key = `${request.method} ${request.resource}`;
  if (!WRITE_ROUTES.has(key)) return dispatch(key, request, deps);
  // A write nobody can be held to is not made: API Gateway's AWS_IAM always names the signer.
  const result = request.caller.userArn
    ? await dispatch(key, request, deps).catch((error: unknown) => {
        deps.audit(auditEntry(key, request, { status: 500, body: { error: "internal error" } }));
        throw error;
      })
    : {
        status: 403,
        body: { error: "caller: the request carries no IAM identity", field: "caller" },
      };
  deps.audit(auditEntry(key, request, result));
  return result;
}

function auditEntry(key: string, request: RouteRequest, result: ApiResult): AuditEntry {
  let device: string | null = request.pathName ?? null;
  if (device === null) {
    try {
      const name = (JSON.parse(request.body ?? "") as { name?: unknown }).name;
      device = typeof name === "string" ? name.slice(0, 128) : null;
    } catch {
      device = null;
    }
  }
  return {
    audit: "device-api-write",
    route: key,
    device,
    caller: request.caller,
    requestId: request.requestId ?? null,
    status: result.status,
    version: typeof result.body.version === "number" ? result.body.version : null,
    error: typeof result.body.error === "string" ? result.body.error : null,
  };
}

async function dispatch(key: string, request: RouteRequest, deps: ServiceDeps): Promise<ApiResult> {
  try {
    switch (key) {
      case "POST /devices":
        return await onboard(request.body, deps);
      case "GET /devices/{name}":
        return await describe(validThingName(request.pathName), deps);
      case "DELETE /devices/{name}":
        return await decommission(validThingName(request.pathName), deps);
      case "POST /devices/{name}/suspend":
        return await setSuspended(validThingName(request.pathName), true, deps);
      case "POST /devices/{name}/resume":
        return await setSuspended(validThingName(request.pathName), false, deps);
      default:
        return { status: 404, body: { error: `no route ${key}`, field: "path" } };
    }
  } catch (error) {
    if (error instanceof RequestError) {
      return { status: error.status, body: { error: error.message, field: error.field } };
    }
    if (error instanceof ConflictError) {
      return { status: 409, body: { error: error.message, field: "name" } };
    }
    throw error;
  }
}

function context(deps: ServiceDeps, ...seen: (number | undefined)[]): WriteContext {
  const now = deps.clock();
  return { version: nextVersion(now, ...seen), now: new Date(now), writer: `api:${deps.region}` };
}

async function onboard(body: string | null | undefined, deps: ServiceDeps): Promise<ApiResult> {
  const request = await checkTrust(parseOnboard(body), deps);
  const existing = await deps.registry.get(registryKey("thing", request.name));
  if (existing && !existing.deleted) {
    throw new ConflictError(`device ${request.name} already exists`);
  }
  const ctx = context(deps, existing?.version);
  await deps.registry.write(onboardWrites(request, ctx));
  return {
    status: 201,
    body: { name: request.name, certificateId: credentialId(request), version: ctx.version },
  };
}

/**
 * What onboarding must prove before it writes: the certificate's CA is registered in IoT, and the
 * policy fits the fleet contract for this device. A request may create a policy, never replace
 * one (the write's condition holds that against a race too); a policy it only names must exist
 * and fit this device, so another device's policy cannot be taken over.
 */
async function checkTrust(request: OnboardRequest, deps: ServiceDeps): Promise<OnboardRequest> {
  if (request.credential.kind === "certificate") {
    await checkSignedByRegisteredCa(
      request.credential.certificatePem,
      request.credential.caCertificateId,
      deps.iot[deps.region],
    );
  }
  const { name, document } = request.policy;
  // Judged before any read: a document outside the contract is refused whatever the registry holds.
  if (document) checkDevicePolicy(document, request.name, deps.contract);
  const stored = await deps.registry.get(keys.policy(name));
  const live = stored && !stored.deleted && stored.desired ? stored : undefined;
  const sameDocument =
    document && live && sameJson(document, (live.desired as unknown as PolicyDesired).document);
  if (document && !sameDocument) {
    if (live) {
      throw new RequestError(
        409,
        "policy.name",
        `policy.name: policy ${JSON.stringify(name)} already exists and a request never replaces one: omit policy.document to attach it, or choose another name`,
      );
    }
    return request;
  }
  if (!live) {
    throw new RequestError(
      400,
      "policy.name",
      `policy.name: no policy ${JSON.stringify(name)} exists: send policy.document to create it`,
    );
  }
  try {
    const existing = JSON.parse((live.desired as unknown as PolicyDesired).document) as Record<
      string,
      unknown
    >;
    checkDevicePolicy(existing, request.name, deps.contract, `policy ${name}`);
  } catch (error) {
    if (!(error instanceof RequestError) && !(error instanceof SyntaxError)) throw error;
    throw new RequestError(
      403,
      "policy.name",
      `policy.name: policy ${JSON.stringify(name)} does not fit device ${JSON.stringify(request.name)}: ${error.message}`,
    );
  }
  // The same document again attaches the stored policy: nothing to write for it.
  return { ...request, policy: { name, document: null } };
}

/** The request's document and a stored one (a JSON string) say the same. */
function sameJson(document: Record<string, unknown>, stored: string): boolean {
  try {
    return isDeepStrictEqual(document, JSON.parse(stored));
  } catch {
    return false;
  }
}

/** The live thing item and its certificate items, or a 404 naming the device. */
async function load(name: string, deps: ServiceDeps) {
  const thing = await deps.registry.get(registryKey("thing", name));
  if (!thing || thing.deleted || !thing.desired) {
    throw new RequestError(404, "name", `name: no device ${JSON.stringify(name)}`);
  }
  const desired = thing.desired as unknown as ThingDesired;
  const certificates = await deps.registry.getMany(
    desired.certificateIds.map((id) => registryKey("certificate", id)),
  );
  return { thing, desired, certificates: certificates.filter((c) => !c.deleted) };
}

async function setSuspended(
  name: string,
  suspended: boolean,
  deps: ServiceDeps,
): Promise<ApiResult> {
  const { thing, desired, certificates } = await load(name, deps);
  if (desired.suspended === suspended) {
    return { status: 200, body: { name, suspended, version: thing.version, changed: false } };
  }
  const ctx = context(deps, thing.version, ...certificates.map((c) => c.version));
  await deps.registry.write(suspensionWrites(thing, certificates, suspended, ctx));
  return { status: 200, body: { name, suspended, version: ctx.version, changed: true } };
}

async function decommission(name: string, deps: ServiceDeps): Promise<ApiResult> {
  const { thing, certificates } = await load(name, deps);
  const ctx = context(deps, thing.version, ...certificates.map((c) => c.version));
  await deps.registry.write(decommissionWrites(thing, certificates, ctx));
  return { status: 202, body: { name, deleted: true, version: ctx.version } };
}

export type RegionStatus =
  | { state: "in-sync"; actual: ActualThing | null }
  | { state: "pending"; actual: ActualThing | null; differences: string[] }
  | { state: "unreachable"; error: string };

async function describe(name: string, deps: ServiceDeps): Promise<ApiResult> {
  const { thing, desired, certificates } = await load(name, deps);
  const regions: Record<string, RegionStatus> = {};
  await Promise.all(
    Object.entries(deps.iot).map(async ([region, iot]) => {
      try {
        const actual = await iot.describe(name);
        const differences = compare(desired, certificates, actual);
        regions[region] =
          differences.length === 0
            ? { state: "in-sync", actual }
            : { state: "pending", actual, differences };
      } catch (error) {
        regions[region] = { state: "unreachable", error: (error as Error).name ?? "Error" };
      }
    }),
  );
  return {
    status: 200,
    body: {
      name,
      version: thing.version,
      updatedAt: thing.updatedAt,
      desired: {
        ...desired,
        certificates: certificates.map((c) => ({
          certificateId: (c.desired as { certificateId: string | null }).certificateId,
          status: (c.desired as { status: string }).status,
        })),
      },
      regions,
    },
  };
}

/** What differs between the desired device and one region's IoT, as readable lines. */
export function compare(
  desired: ThingDesired,
  certificates: RegistryItem[],
  actual: ActualThing | null,
): string[] {
  if (!actual) return ["thing does not exist yet"];
  const differences: string[] = [];
  if ((actual.thingTypeName ?? null) !== desired.thingTypeName) {
    differences.push(`thingType is ${actual.thingTypeName} instead of ${desired.thingTypeName}`);
  }
  const keys = new Set([...Object.keys(desired.attributes), ...Object.keys(actual.attributes)]);
  for (const key of keys) {
    if (desired.attributes[key] !== actual.attributes[key])
      differences.push(`attribute ${key} differs`);
  }
  for (const cert of certificates) {
    const want = cert.desired as { certificateId: string | null; status: string };
    const have = actual.certificates.find((c) => c.certificateId === want.certificateId);
    if (!want.certificateId || !have)
      differences.push(`certificate ${want.certificateId ?? "(from CSR)"} not attached`);
    else if (have.status !== want.status)
      differences.push(
        `certificate ${want.certificateId} is ${have.status} instead of ${want.status}`,
      );
  }
  return differences;
}
