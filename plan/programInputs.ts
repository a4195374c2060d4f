import * as pulumi from "@pulumi/pulumi";

/**
 * What a program needed from its stack and did not get: config keys it requires and provider
 * functions (invokes) the mocks cannot answer. Recorded while it runs, so the CLI can refuse
 * with every missing input named (exit 2) instead of the first crash it causes (exit 3).
 */
export const missingInputs = {
  /** Fully qualified config key to what it expects. */
  configKeys: new Map<string, string>(),
  invokes: new Set<string>(),
};

export function clearMissingInputs(): void {
  missingInputs.configKeys.clear();
  missingInputs.invokes.clear();
}

/** `aws:region` as the default AWS provider and `aws.config.requireRegion()` need it. */
export function recordMissingRegion(): void {
  missingInputs.configKeys.set(
    "aws:region",
    "an AWS region such as us-east-1 (the default AWS provider needs it)",
  );
}

type Placeholder = () => unknown;
const PLACEHOLDERS: Record<string, Placeholder> = {
  require: () => "offline-placeholder",
  requireNumber: () => 0,
  requireBoolean: () => false,
  requireObject: () => ({}),
  requireSecret: () => pulumi.secret("offline-placeholder"),
  requireSecretNumber: () => pulumi.secret(0),
  requireSecretBoolean: () => pulumi.secret(false),
  requireSecretObject: () => pulumi.secret({}),
};

type ConfigMethod = (this: pulumi.Config, key: string, ...rest: unknown[]) => unknown;
let unwatch: (() => void) | undefined;

/**
 * Makes `Config.require*` record a missing key and go on with a placeholder, so one run names
 * every key a program lacks. The placeholder never reaches a report: the CLI refuses first.
 * Returns the undo: a plan run inside a test process must leave `Config` as it found it.
 *
 * Not public API: `Config.require*` throws on the first missing key and the SDK has no hook to
 * answer it instead. Listed as an exception in tests/plan/sdkInternals.test.ts.
 */
export function watchRequiredConfig(): () => void {
  if (unwatch) return unwatch;
  const proto = pulumi.Config.prototype as unknown as Record<string, ConfigMethod>;
  const originals = Object.fromEntries(Object.keys(PLACEHOLDERS).map((m) => [m, proto[m]]));
  unwatch = () => {
    Object.assign(proto, originals);
    unwatch = undefined;
  };
  for (const [method, placeholder] of Object.entries(PLACEHOLDERS)) {
    const original = originals[method];
    proto[method] = function (this: pulumi.Config, key: string, ...rest: unknown[]) {
      try {
        return original.call(this, key, ...rest);
      } catch (error) {
        const missingKey = (error as { key?: unknown }).key;
        if (
          typeof missingKey !== "string" ||
          !/Missing required configuration/.test(String(error))
        ) {
          throw error;
        }
        const kind = method.replace(/^require(Secret)?/, "").toLowerCase() || "string";
        missingInputs.configKeys.set(
          missingKey,
          `a ${kind} value (the program calls config.${method}("${key}"))`,
        );
        return placeholder();
      }
    };
  }
  return unwatch;
}

/** The refusal for what `missingInputs` holds, one line per input; undefined when nothing. */
export function missingInputsMessage(stack: string, configFile: string): string | undefined {
  const lines: string[] = [];
  for (const [key, expected] of missingInputs.configKeys) {
    lines.push(`  ${key}: missing, expected ${expected}`);
  }
  for (const token of missingInputs.invokes) {
    lines.push(
      `  invoke ${token}: the offline mocks have no answer; give one with --invoke-answers FILE, a JSON object {"${token}": {<the function's result>}}`,
    );
  }
  if (!lines.length) return undefined;
  const head = missingInputs.configKeys.size
    ? `stack ${stack}: ${configFile} lacks what the program requires; add each key under \`config:\``
    : `stack ${stack}: the program calls provider functions the offline plan cannot answer`;
  return [head, ...lines].join("\n");
}
