import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** Config of one stack as the Pulumi engine would hand it to the program. */
export interface StackConfigFile {
  /** Stack name, from `Pulumi.<stack>.yaml`. */
  stack: string;
  /** Fully qualified keys (`project:key`) to values; objects as JSON, scalars as strings. */
  config: Record<string, string>;
  /** Keys that hold a `secure:` value anywhere inside them. */
  secretKeys: string[];
}

/** A stack file or command line the plan cannot use; the CLI exits 2 on it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A stack file whose content is wrong: exit 2, the file and place named, no usage text. */
export class ConfigFileError extends UsageError {}

/** The stack files of this repository's own program, in deployment order. */
export function ownStackFiles(root: string): string[] {
  return ["secondary", "primary"].map((stack) => path.join(root, `Pulumi.${stack}.yaml`));
}

/**
 * Reads a stack config file. There is no secrets provider offline, so a `secure:` value is taken
 * as it is written (the example files hold placeholders there) and its key is marked secret.
 */
export function readStackFile(file: string, project: string): StackConfigFile {
  const match = /^Pulumi\.([\w.-]+)\.ya?ml$/.exec(path.basename(file));
  if (!match) {
    throw new UsageError(`--config ${file}: expected a stack file named Pulumi.<stack>.yaml`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--config ${file}: cannot read it (${(error as Error).message})`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new ConfigFileError(yamlErrorMessage(file, error));
  }
  const entries = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof entries !== "object" || entries === null || Array.isArray(entries)) {
    throw new ConfigFileError(`${file}: expected a \`config:\` map of keys to values`);
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(entries)) {
    // Keys without a namespace belong to the project, as in the Pulumi CLI.
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    const { value, secret } = revealSecure(raw);
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(fullKey);
  }
  return { stack: match[1], config, secretKeys };
}

/** `FILE:LINE:COLUMN: not valid YAML: what` for the yaml library's parse errors. */
export function yamlErrorMessage(file: string, error: unknown): string {
  const position = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  const what = ((error as Error).message ?? String(error))
    .split("\n")[0]
    .replace(/ at line \d+, column \d+:?$/, "");
  return position
    ? `${file}:${position.line}:${position.col}: not valid YAML: ${what}`
    : `${file}: not valid YAML: ${what}`;
}

function revealSecure(raw: unknown): { value: unknown; secret: boolean } {
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    const record = raw as Record<string, unknown>;
    if (Object.keys(record).length === 1 && typeof record.secure === "string") {
      return { value: record.secure, secret: true };
    }
    let secret = false;
    const value: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(record)) {
      const revealed = revealSecure(child);
      value[key] = revealed.value;
      secret ||= revealed.secret;
    }
    return { value, secret };
  }
  if (Array.isArray(raw)) {
    const revealed = raw.map(revealSecure);
    return { value: revealed.map((r) => r.value), secret: revealed.some((r) => r.secret) };
  }
  return { value: raw, secret: false };
}

/** The project name from the Pulumi.yaml in `dir` or the nearest folder above it. */
export function projectNameOf(dir: string): string {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const file = path.join(current, "Pulumi.yaml");
    if (fs.existsSync(file)) {
      const name = (parse(fs.readFileSync(file, "utf8")) as { name?: unknown } | null)?.name;
      if (typeof name !== "string" || !name) {
        throw new ConfigFileError(`${file}: expected a \`name:\``);
      }
      return name;
    }
    if (path.dirname(current) === current) {
      throw new ConfigFileError(`--program ${dir}: no Pulumi.yaml in it or any folder above it`);
    }
  }
}
