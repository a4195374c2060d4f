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
