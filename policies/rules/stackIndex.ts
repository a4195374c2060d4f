import { UNKNOWN } from "./preview";
import { Subject, idsOf } from "./support";

/**
 * One stack's subjects indexed once, so a rule that relates resources looks up the few that may
 * be related instead of scanning the whole stack for each resource (that was quadratic: ~10 s of
 * a 10,000-resource plan per rule). Lookups return subjects in the stack's order, so messages that
 * list them read as before; callers keep their exact check on what a lookup returns.
 */
export class StackIndex {
  private readonly position = new Map<Subject, number>();
  private readonly types = new Map<string, Subject[]>();
  private readonly ids = new Map<string, Subject[]>();
  private readonly urns = new Map<string, Subject>();
  /** A string an input holds (JSON strings read too), and each `arn:...` prefix of it, to subjects. */
  private readonly strings = new Map<string, Set<Subject>>();
  /** A URN an input was computed from (`refs`) to the subjects whose input it is. */
  private readonly computedFrom = new Map<string, Set<Subject>>();

  constructor(readonly subjects: Subject[]) {
    subjects.forEach((s, i) => {
      this.position.set(s, i);
      push(this.types, s.type, s);
      for (const id of new Set(idsOf(s))) push(this.ids, id, s);
      this.urns.set(s.urn, s);
      for (const urns of Object.values(s.refs ?? {})) {
        for (const urn of urns) add(this.computedFrom, urn, s);
      }
      forEachString(s.props, (text) => {
        add(this.strings, text, s);
        // A qualified ARN (`...:function:name:alias`) names the ARN before its last segments.
        if (text.startsWith("arn:")) {
          for (let at = text.indexOf(":"); at > 0; at = text.indexOf(":", at + 1)) {
            add(this.strings, text.slice(0, at), s);
          }
        }
      });
    });
  }

  ofType(type: string): Subject[] {
    return this.types.get(type) ?? [];
  }

  /**
   * The subjects input `key` of `from` refers to (support.ts refersTo): exactly
   * `subjects.filter((s) => refersTo(from, key, s, value))`.
   */
  targetsOf(from: Subject, key: string, value: unknown = from.props[key]): Subject[] {
    const found = new Set<Subject>();
    if (typeof value === "string" && value !== "") {
      for (const s of this.ids.get(value) ?? []) found.add(s);
    }
    if (value === UNKNOWN || value === undefined || typeof value !== "string") {
      for (const urn of from.refs?.[key] ?? []) {
        const s = this.urns.get(urn);
        if (s) found.add(s);
      }
    }
    return this.inOrder(found);
  }

  /**
   * Every subject with an input that may name `target`: a string equal to one of its ids, its
   * ARN or URL, or an ARN qualified after it, or an input computed from it. A superset of the
   * subjects that refer to it (an id, ARN or URL is a whole value where AWS takes one), to be
   * narrowed by the caller's own check.
   */
  referrersOf(target: Subject): Subject[] {
    const found = new Set<Subject>(this.computedFrom.get(target.urn));
    for (const id of idsOf(target)) {
      for (const s of this.strings.get(id) ?? []) found.add(s);
    }
    found.delete(target);
    return this.inOrder(found);
  }

  private inOrder(found: Set<Subject>): Subject[] {
    return [...found].sort((a, b) => (this.position.get(a) ?? 0) - (this.position.get(b) ?? 0));
  }
}

const indexes = new WeakMap<Subject[], StackIndex>();

/** The index of `subjects`, built on first use and kept as long as the list is. */
export function stackIndex(subjects: Subject[]): StackIndex {
  let index = indexes.get(subjects);
  if (!index) indexes.set(subjects, (index = new StackIndex(subjects)));
  return index;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** Each string inside `value`, and inside the JSON documents strings hold (policies, redrive). */
function forEachString(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") {
    visit(value);
    if (/^\s*[[{]/.test(value)) {
      try {
        forEachString(JSON.parse(value), visit);
      } catch {
        // not JSON: the string itself was visited
      }
    }
  } else if (Array.isArray(value)) {
    for (const item of value) forEachString(item, visit);
  } else if (value && typeof value === "object") {
    for (const item of Object.values(value)) forEachString(item, visit);
  }
}
