import { IamStatement, asRecord } from "../rules/support";
import { isAllowed } from "./engine";
import { OUTSIDER_ACCOUNT, instance, outsiderValue } from "./outsider";

/**
 * One semantics for conditions in every rule: AWS's evaluation, as the simulator implements it.
 * Condition blocks are ANDed and each tests one key, so a condition holds for some request exactly
 * when every key has a value (or its absence) that passes all of that key's blocks; each key is
 * asked alone. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
 */

/** The blocks of `condition` that test `key` (IAM condition keys are case-insensitive). */
function blocksOf(condition: Record<string, unknown>, key: string): Record<string, unknown> {
  const blocks: Record<string, Record<string, unknown>> = {};
  for (const [operator, block] of Object.entries(condition)) {
    for (const [k, values] of Object.entries(asRecord(block))) {
      if (k.toLowerCase() === key) (blocks[operator] ??= {})[k] = values;
    }
  }
  return blocks;
}

/** Whether `blocks` hold for a request that carries `value` for `key` (undefined: no value). */
function holds(blocks: Record<string, unknown>, key: string, value: string | undefined): boolean {
  return isAllowed({
    principal: `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/caller`,
    action: "s3:GetObject",
    resource: "arn:aws:s3:::caller/object",
    resourceAccount: OUTSIDER_ACCOUNT,
    context: value === undefined ? {} : { [key]: value },
    identityPolicies: [
      {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: blocks }],
      },
    ],
  });
}

/** Condition keys of a statement, lower-cased, each once, with every value listed for it. */
function keysOf(s: IamStatement): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const block of Object.values(s.condition)) {
    for (const [key, values] of Object.entries(asRecord(block))) {
      const lower = key.toLowerCase();
      keys.set(lower, [...(keys.get(lower) ?? []), ...[values].flat().map(String)]);
    }
  }
  return keys;
}

/** What a caller outside our control sends for a key: nothing, or a value of its own. */
const outsiderChoices = (key: string, values: string[]) => [undefined, outsiderValue(key, values)];

/** What a caller may send for a key it controls: also any value the statement lists. */
const freeChoices = (key: string, values: string[]) => [
  ...outsiderChoices(key, values),
  ...values.map(instance),
];

/**
 * Whether the statement's conditions keep out a caller that cannot choose `keys` (sends none, or
 * a value of its own, which matches a wildcard it can fill): true when some key of `keys` fails
 * for every such value. `ForAllValues` on an absent key and `...IfExists` hold, so they do not
 * restrict; a wildcard value an outsider can match does not either.
 */
export function restrictsOn(s: IamStatement, keys: string[]): boolean {
  const wanted = keys.map((k) => k.toLowerCase());
  return [...keysOf(s)].some(
    ([key, values]) =>
      wanted.includes(key) &&
      outsiderChoices(key, values).every((v) => !holds(blocksOf(s.condition, key), key, v)),
  );
}

/**
 * Whether the statement's conditions hold for every request whose `keys` the caller cannot choose
 * (a Deny nobody outside escapes): those keys hold when absent and with the caller's own value,
 * and every other key holds whatever the caller sends.
 */
export function holdsForEveryOutsider(s: IamStatement, keys: string[]): boolean {
  const bound = keys.map((k) => k.toLowerCase());
  return [...keysOf(s)].every(([key, values]) =>
    (bound.includes(key) ? outsiderChoices : freeChoices)(key, values).every((v) =>
      holds(blocksOf(s.condition, key), key, v),
    ),
  );
}
