import * as pulumi from "@pulumi/pulumi";

/** What a placeholder is for each kind of value `Config.require*` reads, as config text. */
const PLACEHOLDERS = {
  string: "offline-placeholder",
  number: "0",
  boolean: "false",
  object: "{}",
} as const;
type Kind = keyof typeof PLACEHOLDERS;

/** The kind `Config.require*` wanted, by the name its type error gives it (config.ts in the SDK). */
const KIND_OF_TYPE_ERROR: Record<string, Kind> = {
  number: "number",
  boolean: "boolean",
  "JSON object": "object",
};

// The SDK's messages (sdk/nodejs/config.ts, ConfigMissingError and ConfigTypeError): neither class
// is exported, so the key and the kind come from the message they raise.
const MISSING = /^Missing required configuration variable '([^']+)'/;
const WRONG_TYPE = /^Configuration '([^']+)' value '[^]*' is not a valid (.+)$/;
// Its refusals of a value that is set: of the wrong type, or outside the program's allowed values,
// range or pattern (ConfigTypeError, ConfigEnumError, ConfigRangeError, ConfigPatternError).
const REFUSED_VALUE =
  /^Configuration '[^']+' value '[^]*' (?:is not a valid |is not a legal enum value |is outside of the legal range |does not match the regular expression )/;

/** The SDK refusing the stack's config (a key missing or a value refused): the user's input. */
export function isSdkConfigRefusal(error: unknown): boolean {
  return (
    pulumi.RunError.isInstance(error) &&
    (MISSING.test(error.message) || REFUSED_VALUE.test(error.message))
  );
}

/**
 * Finds every config key a program requires and its stack lacks, one run at a time, with the
 * SDK's public behaviour only: `Config.require*` raises the first missing key; the key gets a
 * string placeholder (through the config the runtime is given) and the program runs again. A key
 * read as a number, boolean or object then raises a type error naming the kind, and gets a
 * placeholder of that kind. The placeholders never reach a report: the CLI refuses first.
 *
 * A key whose placeholder the program's own constraint refuses (allowed values, length, pattern,
 * range) is still named, but ends the search: keys the program requires after it are not.
 */
export class MissingConfig {
  /** Fully qualified key to its placeholder, for the next run's config. */
  readonly placeholders: Record<string, string> = {};
  private readonly kinds = new Map<string, { kind: Kind; secret: boolean }>();

  constructor(private readonly tell: (key: string, expected: string) => void) {}

  /** True when `error` is the SDK refusing a key this answers with a placeholder: run again. */
  answer(error: unknown): boolean {
    if (!pulumi.RunError.isInstance(error)) return false;
    const missing = MISSING.exec(error.message);
    if (missing && !(missing[1] in this.placeholders)) {
      // The SDK's hint says `pulumi config set --secret` when a requireSecret* read it.
      return this.use(missing[1], "string", /config set --secret /.test(error.message));
    }
    const wrongType = WRONG_TYPE.exec(error.message);
    const kind = wrongType && KIND_OF_TYPE_ERROR[wrongType[2]];
    const found = wrongType && this.kinds.get(wrongType[1]);
    if (kind && found?.kind === "string") return this.use(wrongType[1], kind, found.secret);
    return false;
  }

  private use(key: string, kind: Kind, secret: boolean): boolean {
    this.placeholders[key] = PLACEHOLDERS[kind];
    this.kinds.set(key, { kind, secret });
    const method = `require${secret ? "Secret" : ""}${kind === "string" ? "" : kind[0].toUpperCase() + kind.slice(1)}`;
    const article = kind === "object" ? "an" : "a";
    this.tell(key, `${article} ${kind} value (the program reads it with config.${method})`);
    return true;
  }
}
