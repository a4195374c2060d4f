import { INSTALLED } from "./installedTypes";
import { TypeClass } from "./classes";
import { OTHER_TYPES, SERVICE_CLASSES } from "./table";

export * from "./classes";

/** The resource types of the @pulumi/aws this pack was classified against. */
export const INSTALLED_AWS = INSTALLED;
const KNOWN = new Set(INSTALLED_AWS.types);

/** `aws:<service>/<module>:<Resource>` -> [service, Resource]. */
export function partsOf(type: string): [string, string] | undefined {
  const match = /^aws:([a-z0-9]+)\/[A-Za-z0-9_]+:([A-Za-z0-9_]+)$/.exec(type);
  return match ? [match[1], match[2]] : undefined;
}

/** The class the table gives a type token, whether or not the installed package has it. */
export function classByTable(type: string): TypeClass | undefined {
  if (OTHER_TYPES[type]) return OTHER_TYPES[type];
  const parts = partsOf(type);
  if (!parts) return undefined;
  return SERVICE_CLASSES[parts[0]]?.find(([pattern]) => pattern.test(parts[1]))?.[1];
}

/**
 * The class of a resource type. An `aws:` type the classified package does not have (a newer
 * provider) has none: the pack refuses it until someone classifies it.
 */
export function classOf(type: string): TypeClass | undefined {
  if (type.startsWith("aws:") && !KNOWN.has(type)) return undefined;
  return classByTable(type);
}

/** Whether the pack must know the type: AWS resources and the opaque wrappers. */
export const mustBeClassified = (type: string): boolean =>
  type.startsWith("aws:") || type.startsWith("aws-native:") || /:dynamic:Resource$/.test(type);
