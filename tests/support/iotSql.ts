/**
 * An evaluator of the part of AWS IoT SQL (version 2016-03-23) that this project's topic rules
 * use, written from AWS's reference, not from the rules: it is what lets a contract test run a
 * planned rule's SQL on a sample MQTT message and hand the result to the real consumer.
 *
 * Modelled, with its source:
 * - `SELECT` items: `*` (the whole JSON payload), a payload key, a dotted key path, the string,
 *   number and boolean literals, each with an optional `AS` name; later items overwrite earlier
 *   keys of the same name; an item whose value is Undefined adds nothing to the output.
 *   https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-select.html
 *   https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-data-types.html (Undefined)
 * - Functions: `clientid()` (the MQTT client id, "n/a" when the message did not come over MQTT),
 *   `topic()` (the whole topic), `topic(n)` (segment n, 1-based), `timestamp()` (milliseconds
 *   since the epoch, as the rules engine observes it).
 *   https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html
 * - `FROM '<topic filter>'` with the MQTT wildcards `+` (one level) and `#` (the rest, last only);
 *   a wildcard at the first level does not match a topic that starts with `$`.
 *   https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-from.html
 *   https://docs.aws.amazon.com/iot/latest/developerguide/topics.html
 * - `NOT` and `startswith(String, String)` (Boolean; Undefined unless both are strings) in WHERE.
 *   https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html
 * - `WHERE` with comparisons (`=`, `<>`, `!=`, `<`, `<=`, `>`, `>=`) joined by `AND` / `OR`
 *   (`AND` binds tighter); a comparison with Undefined is not true.
 *   https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-where.html
 *   https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html
 *
 * Everything else (other functions, CASE, nested queries, SET, binary payloads, parentheses in
 * WHERE, another SQL version, an unnamed function or key path) is refused with
 * {@link UnsupportedIotSql}: a rule that grows past this subset fails its contract test loudly
 * instead of passing through a guess.
 */

/** SQL the evaluator does not model: the test must fail rather than guess. */
export class UnsupportedIotSql extends Error {
  constructor(what: string, sql: string) {
    super(`IoT SQL evaluator: ${what} is not modelled (in ${JSON.stringify(sql)})`);
    this.name = "UnsupportedIotSql";
  }
}

/** The SQL version whose semantics are modelled. */
export const MODELLED_SQL_VERSION = "2016-03-23";

/** One MQTT message as the rules engine sees it. */
export interface MqttMessage {
  topic: string;
  /** The payload bytes as published (JSON text here). */
  payload: string;
  /** The publishing client's id; absent for messages not sent over MQTT (e.g. AWS's own events). */
  clientId?: string;
}

/** A parsed rule: run {@link evaluate} on messages. */
export interface IotRule {
  topicFilter: string;
  /** The rule's output for a message, or undefined when FROM or WHERE does not match. */
  evaluate(message: MqttMessage, nowMs: number): Record<string, unknown> | undefined;
}

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number"; value: number }
  | { kind: "symbol"; text: string };

type Expr =
  | { kind: "path"; keys: string[] }
  | { kind: "literal"; value: string | number | boolean }
  | { kind: "call"; name: "clientid" | "timestamp" | "topic"; arg?: number }
  | { kind: "startswith"; text: Expr; prefix: Expr };

type Item = { kind: "star" } | { kind: "expr"; expr: Expr; name: string };

type Cond =
  | { kind: "cmp"; op: string; left: Expr; right: Expr }
  | { kind: "and" | "or"; left: Cond; right: Cond }
  | { kind: "not"; cond: Cond }
  | { kind: "test"; expr: Expr };

const KEYWORDS = new Set(["SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT", "TRUE", "FALSE"]);
const COMPARISONS = ["<=", ">=", "<>", "!=", "=", "<", ">"];
const FUNCTIONS = new Set(["clientid", "timestamp", "topic", "startswith"]);

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const end = sql.indexOf("'", i + 1);
      if (end < 0) throw new UnsupportedIotSql("an unterminated string", sql);
      tokens.push({ kind: "string", text: sql.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      tokens.push({ kind: "word", text: match[0] });
      i += match[0].length;
    } else if (/[0-9-]/.test(c) && /^-?[0-9]/.test(sql.slice(i))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))!;
      tokens.push({ kind: "number", value: Number(match[0]) });
      i += match[0].length;
    } else {
      const op = COMPARISONS.find((o) => sql.startsWith(o, i));
      const symbol = op ?? ("*,().".includes(c) ? c : undefined);
      if (!symbol) throw new UnsupportedIotSql(`the character ${JSON.stringify(c)}`, sql);
      tokens.push({ kind: "symbol", text: symbol });
      i += symbol.length;
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly sql: string,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.text.toUpperCase() === word;
  }

  private isSymbol(symbol: string): boolean {
    const t = this.peek();
    return t?.kind === "symbol" && t.text === symbol;
  }

  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) this.refuse(`a statement without ${word} here`);
    this.at++;
  }

  private expectSymbol(symbol: string): void {
    if (!this.isSymbol(symbol)) this.refuse(`a statement without "${symbol}" here`);
    this.at++;
  }

  private refuse(what: string): never {
    const near = this.tokens
      .slice(this.at, this.at + 3)
      .map((t) => ("text" in t ? t.text : String(t.value)))
      .join(" ");
    throw new UnsupportedIotSql(`${what} (near ${JSON.stringify(near || "the end")})`, this.sql);
  }

  statement(): { items: Item[]; topicFilter: string; where?: Cond } {
    this.expectKeyword("SELECT");
    const items = [this.item()];
    while (this.isSymbol(",")) {
      this.at++;
      items.push(this.item());
    }
    this.expectKeyword("FROM");
    const from = this.peek();
    if (from?.kind !== "string") this.refuse("a FROM that is not a quoted topic filter");
    this.at++;
    let where: Cond | undefined;
    if (this.isKeyword("WHERE")) {
      this.at++;
      where = this.or();
    }
    if (this.peek()) this.refuse("anything after the statement");
    return { items, topicFilter: from.text, where };
  }

  private item(): Item {
    if (this.isSymbol("*")) {
      this.at++;
      return { kind: "star" };
    }
    const expr = this.expr();
    if (this.isKeyword("AS")) {
      this.at++;
      const name = this.peek();
      if (name?.kind !== "word" || KEYWORDS.has(name.text.toUpperCase())) {
        this.refuse("an AS without a plain name");
      }
      this.at++;
      return { kind: "expr", expr, name: name.text };
    }
    // AWS names an unaliased key after the key; for functions and key paths we would be guessing.
    if (expr.kind === "path" && expr.keys.length === 1) {
      return { kind: "expr", expr, name: expr.keys[0] };
    }
    return this.refuse("a function, literal or key path without AS");
  }

  private expr(): Expr {
    const t = this.peek();
    if (!t) return this.refuse("a missing expression");
    if (t.kind === "string") {
      this.at++;
      return { kind: "literal", value: t.text };
    }
    if (t.kind === "number") {
      this.at++;
      return { kind: "literal", value: t.value };
    }
    if (t.kind !== "word") return this.refuse("this expression");
    const upper = t.text.toUpperCase();
    if (upper === "TRUE" || upper === "FALSE") {
      this.at++;
      return { kind: "literal", value: upper === "TRUE" };
    }
    if (KEYWORDS.has(upper)) return this.refuse(`the keyword ${t.text} as an expression`);
    this.at++;
    if (this.isSymbol("(")) {
      this.at++;
      if (!FUNCTIONS.has(t.text)) this.refuse(`the function ${t.text}()`);
      if (t.text === "startswith") {
        const text = this.expr();
        this.expectSymbol(",");
        const prefix = this.expr();
        this.expectSymbol(")");
        return { kind: "startswith", text, prefix };
      }
      const name = t.text as "clientid" | "timestamp" | "topic";
      let arg: number | undefined;
      const a = this.peek();
      if (a?.kind === "number") {
        if (name !== "topic" || !Number.isInteger(a.value) || a.value < 1) {
          this.refuse(`${name}(${a.value})`);
        }
        arg = a.value;
        this.at++;
      }
      this.expectSymbol(")");
      return { kind: "call", name, arg };
    }
    const keys = [t.text];
    while (this.isSymbol(".")) {
      this.at++;
      const next = this.peek();
      if (next?.kind !== "word") this.refuse("a key path with a non-name segment");
      keys.push(next.text);
      this.at++;
    }
    return { kind: "path", keys };
  }

  private isComparison(): boolean {
    const op = this.peek();
    return op?.kind === "symbol" && COMPARISONS.includes(op.text);
  }

  private or(): Cond {
    let left = this.and();
    while (this.isKeyword("OR")) {
      this.at++;
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }

  private and(): Cond {
    let left = this.comparison();
    while (this.isKeyword("AND")) {
      this.at++;
      left = { kind: "and", left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Cond {
    if (this.isKeyword("NOT")) {
      this.at++;
      return { kind: "not", cond: this.comparison() };
    }
    if (this.isSymbol("(")) this.refuse("parentheses in WHERE");
    const left = this.expr();
    // A Boolean function on its own is a condition (startswith).
    if (left.kind === "startswith" && !this.isComparison()) return { kind: "test", expr: left };
    const op = this.peek();
    if (op?.kind !== "symbol" || !COMPARISONS.includes(op.text)) {
      this.refuse("a WHERE condition that is not a comparison");
    }
    this.at++;
    return { kind: "cmp", op: op.text, left, right: this.expr() };
  }
}

/** MQTT topic filter matching, as AWS IoT applies it to a rule's FROM. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  // MQTT: a filter starting with a wildcard does not match topics starting with `$`.
  if (topic.startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Parses a rule's SQL; refuses what is not modelled. */
export function parseIotRule(sql: string, sqlVersion: string): IotRule {
  if (sqlVersion !== MODELLED_SQL_VERSION) {
    throw new UnsupportedIotSql(`SQL version ${JSON.stringify(sqlVersion)}`, sql);
  }
  const { items, topicFilter, where } = new Parser(tokenize(sql), sql).statement();
  if (topicFilter.split("/").some((level, i, all) => level === "#" && i !== all.length - 1)) {
    throw new UnsupportedIotSql("a # wildcard before the last level", sql);
  }
  return {
    topicFilter,
    evaluate(message, nowMs) {
      if (!topicMatches(topicFilter, message.topic)) return undefined;
      let payload: unknown;
      try {
        payload = JSON.parse(message.payload);
      } catch {
        throw new UnsupportedIotSql("a payload that is not JSON (binary payloads)", sql);
      }
      if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
        throw new UnsupportedIotSql("a payload that is not a JSON object", sql);
      }
      const doc = payload as Record<string, unknown>;
      const value = (expr: Expr): unknown => {
        switch (expr.kind) {
          case "literal":
            return expr.value;
          case "path": {
            let v: unknown = doc;
            for (const key of expr.keys) {
              if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
              v = (v as Record<string, unknown>)[key];
            }
            return v;
          }
          case "startswith": {
            // Undefined unless both are strings (reference: startswith(String, String)).
            const [text, prefix] = [value(expr.text), value(expr.prefix)];
            if (typeof text !== "string" || typeof prefix !== "string") return undefined;
            return text.startsWith(prefix);
          }
          case "call":
            if (expr.name === "clientid") return message.clientId ?? "n/a";
            if (expr.name === "timestamp") return nowMs;
            return expr.arg === undefined ? message.topic : message.topic.split("/")[expr.arg - 1];
        }
      };
      // Three-valued: a comparison with Undefined is Undefined, NOT Undefined stays Undefined, and
      // a WHERE that is not true drops the message (iot-sql-operators.html).
      const holds = (cond: Cond): boolean | undefined => {
        if (cond.kind === "not") {
          const inner = holds(cond.cond);
          return inner === undefined ? undefined : !inner;
        }
        if (cond.kind === "test") {
          const v = value(cond.expr);
          return typeof v === "boolean" ? v : undefined;
        }
        if (cond.kind !== "cmp") {
          const [a, b] = [holds(cond.left), holds(cond.right)];
          if (cond.kind === "and") {
            if (a === false || b === false) return false;
            return a === undefined || b === undefined ? undefined : true;
          }
          if (a === true || b === true) return true;
          return a === undefined || b === undefined ? undefined : false;
        }
        const [l, r] = [value(cond.left), value(cond.right)];
        if (l === undefined || r === undefined) return undefined;
        switch (cond.op) {
          case "=":
            return l === r;
          case "<>":
          case "!=":
            return l !== r;
        }
        if (typeof l !== typeof r || (typeof l !== "number" && typeof l !== "string")) {
          return false;
        }
        const [a, b] = [l, r as number | string];
        if (cond.op === "<") return a < b;
        if (cond.op === "<=") return a <= b;
        if (cond.op === ">") return a > b;
        return a >= b;
      };
      if (where && holds(where) !== true) return undefined;
      const out: Record<string, unknown> = {};
      for (const item of items) {
        if (item.kind === "star") {
          Object.assign(out, doc);
          continue;
        }
        const v = value(item.expr);
        if (v !== undefined) out[item.name] = v;
      }
      return out;
    },
  };
}

/**
 * A topic that the filter matches, with each `+` replaced by the next of `levels` (and `#` by the
 * rest): sample messages follow the planned FROM instead of a topic copied into the test.
 */
export function topicFor(filter: string, levels: string[]): string {
  const queue = [...levels];
  return filter
    .split("/")
    .map((level) => {
      if (level === "+" || level === "#") {
        const next = queue.shift();
        if (next === undefined) throw new Error(`topicFor: no level left for ${filter}`);
        return next;
      }
      return level;
    })
    .join("/");
}
