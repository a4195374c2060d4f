/**
 * The few parts of AWS IoT SQL (version 2016-03-23) that the capture rules use, evaluated on one
 * MQTT message: the FROM topic filter (`+` one level, `#` the rest), a SELECT list of `*`,
 * `topic()`, `topic(n)` and `timestamp()` with `AS` aliases, and a WHERE of `[NOT]
 * startswith(topic(n), '...')` terms joined by AND. Anything else throws, so a rule the harness
 * cannot read fails the suite instead of passing unexamined.
 * https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-reference.html
 * https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html (topic, startswith)
 */

export interface ParsedRule {
  topicFilter: string;
  select: { expression: string; alias?: string }[];
  where: { negated: boolean; level: number; prefix: string }[];
}

const RULE = /^SELECT\s+(.+?)\s+FROM\s+'([^']+)'(?:\s+WHERE\s+(.+))?$/is;
const TERM = /^(NOT\s+)?startswith\(\s*topic\((\d+)\)\s*,\s*'([^']*)'\s*\)$/i;

export function parseRule(sql: string): ParsedRule {
  const match = RULE.exec(sql.trim());
  if (!match) throw new Error(`rule SQL not understood by the harness: ${sql}`);
  const [, selectList, topicFilter, where] = match;
  const select = selectList.split(",").map((part) => {
    const [expression, alias] = part.trim().split(/\s+AS\s+/i);
    if (!/^(\*|topic\(\d*\)|timestamp\(\))$/i.test(expression.trim())) {
      throw new Error(`SELECT term not understood by the harness: ${part.trim()}`);
    }
    return { expression: expression.trim(), alias: alias?.trim() };
  });
  const terms = where
    ? where.split(/\s+AND\s+/i).map((term) => {
        const t = TERM.exec(term.trim());
        if (!t) throw new Error(`WHERE term not understood by the harness: ${term.trim()}`);
        return { negated: !!t[1], level: Number(t[2]), prefix: t[3] };
      })
    : [];
  return { topicFilter, select, where: terms };
}

/** MQTT topic filter matching (AWS IoT: `+` is one level, `#` the remaining levels). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** `topic(n)` is 1-based over the topic's levels; `topic()` is the whole topic. */
function topicLevel(topic: string, level?: number): string | undefined {
  return level === undefined ? topic : topic.split("/")[level - 1];
}

/**
 * What the rule hands its action for a message on `topic`, or undefined when the rule does not
 * fire (topic outside the filter, or WHERE false).
 */
export function applyRule(
  rule: ParsedRule,
  topic: string,
  payload: Record<string, unknown>,
  nowMs: number,
): Record<string, unknown> | undefined {
  if (!topicMatches(rule.topicFilter, topic)) return undefined;
  for (const term of rule.where) {
    const starts = (topicLevel(topic, term.level) ?? "").startsWith(term.prefix);
    if (starts === term.negated) return undefined;
  }
  let out: Record<string, unknown> = {};
  for (const { expression, alias } of rule.select) {
    if (expression === "*") {
      out = { ...out, ...payload };
      continue;
    }
    const name = alias ?? expression;
    if (/^timestamp\(\)$/i.test(expression)) out[name] = nowMs;
    else {
      const level = /^topic\((\d*)\)$/i.exec(expression)![1];
      out[name] = topicLevel(topic, level ? Number(level) : undefined);
    }
  }
  return out;
}
