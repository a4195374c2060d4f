/** Reads a required environment variable, naming it when it is missing. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required but not set`);
  return value;
}

/** Reads a positive integer environment variable with a default. */
export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `environment variable ${name} must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}
