import * as pulumi from "@pulumi/pulumi";

/**
 * Turns a value as Pulumi serializes it into plain JSON for the plan: secrets become "[secret]",
 * unknowns "[unknown]", resource references their URN, assets and archives a short description.
 */
export function plainValue(value: unknown, decodeJsonStrings = false): unknown {
  if (value === pulumi.runtime.unknownValue) return "[unknown]";
  if (typeof value === "string" && decodeJsonStrings && /^[[{]/.test(value)) {
    try {
      return plainValue(JSON.parse(value));
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((item) => plainValue(item, decodeJsonStrings));
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    switch (record[pulumi.runtime.specialSigKey]) {
      case pulumi.runtime.specialSecretSig:
        return "[secret]";
      case pulumi.runtime.specialResourceSig:
        return record.urn;
      case pulumi.runtime.specialAssetSig:
      case pulumi.runtime.specialArchiveSig:
        return typeof record.path === "string" ? `[file ${record.path}]` : "[asset]";
      case undefined:
        return Object.fromEntries(
          Object.entries(record).map(([k, v]) => [k, plainValue(v, decodeJsonStrings)]),
        );
      default:
        return "[value]";
    }
  }
  return value;
}

/** The value with secrets unwrapped and resource references as URNs: what policies and tests read. */
export function revealValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealValue);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    switch (record[pulumi.runtime.specialSigKey]) {
      case pulumi.runtime.specialSecretSig:
        return revealValue(record.value);
      case pulumi.runtime.specialResourceSig:
        return record.urn;
      case undefined:
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revealValue(v)]));
      default:
        return record;
    }
  }
  return value;
}
