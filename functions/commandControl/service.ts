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
import { RequestError, parseOnboard, validThingName } from "./validate";

/** What the API's core needs from the outside. */
export interface ServiceDeps {
  registry: RegistryPort;
  /** IoT readers per region, for GET's actual state. */
  iot: Record<string, IotStatusPort>;
  /** This function's region (the writer's name). */
  region: string;
  clock: () => number;
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
}

/**
 * The API's core: validates, writes the desired state to the registry in one transaction, and
 * leaves IoT to the reconcilers (each region's reconciler applies the registry to its IoT Core, the
 * active one within about a second of the write), so the API never holds IoT write rights and a
 * region that is down catches up by itself.
 */
export async function route(request: RouteRequest, deps: ServiceDeps): Promise<ApiResult> {
  try {
    const key = `${request.method} ${request.resource}`;
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
  const request = parseOnboard(body);
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
