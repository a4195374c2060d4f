/**
 * What EventBridge does between a PutEvents entry and a rule target, from AWS's documentation,
 * so a contract test can hand the real forwarder's entry to the planned rule and target.
 */
import { randomUUID } from "node:crypto";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";

/**
 * The event as a bus delivers it to targets: the envelope fields of every event (version, id,
 * detail-type, source, account, time, region, resources, detail), `detail` being the entry's
 * `Detail` parsed as JSON.
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
export interface DeliveredEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** The event a bus in `account`/`region` makes of a PutEvents entry. */
export function deliveredEvent(
  entry: PutEventsRequestEntry,
  bus: { account: string; region: string },
): DeliveredEvent {
  if (!entry.Source || !entry.DetailType || !entry.Detail) {
    throw new Error(
      `PutEvents entry without Source, DetailType or Detail: ${JSON.stringify(entry)}`,
    );
  }
  const detail = JSON.parse(entry.Detail) as unknown;
  if (!detail || typeof detail !== "object" || Array.isArray(detail)) {
    // PutEvents requires Detail to be a JSON object.
    throw new Error(`PutEvents Detail must be a JSON object, got ${entry.Detail}`);
  }
  return {
    version: "0",
    // A fresh UUID for every event: AWS documents that event ids change across API calls.
    id: randomUUID(),
    "detail-type": entry.DetailType,
    source: entry.Source,
    account: bus.account,
    // Seconds precision, as in AWS's examples ("2017-12-22T18:43:48Z").
    time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: bus.region,
    resources: entry.Resources ?? [],
    detail: detail as Record<string, unknown>,
  };
}

/** A pattern this matcher does not model. */
export class UnsupportedEventPattern extends Error {}

/**
 * Event pattern matching for the basic form only: each leaf is an array of exact values and an
 * event matches when every field named in the pattern has one of them; nested objects match
 * nested fields. Content filters (prefix, anything-but, numeric, exists, ...) are refused.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!pattern || typeof pattern !== "object" || Array.isArray(pattern)) {
    throw new UnsupportedEventPattern(
      `a pattern must be an object, got ${JSON.stringify(pattern)}`,
    );
  }
  const value = (event ?? {}) as Record<string, unknown>;
  return Object.entries(pattern as Record<string, unknown>).every(([field, expected]) => {
    if (Array.isArray(expected)) {
      for (const e of expected) {
        if (e !== null && typeof e === "object") {
          throw new UnsupportedEventPattern(`the content filter ${JSON.stringify(e)}`);
        }
      }
      const actual = value[field];
      const actuals = Array.isArray(actual) ? (actual as unknown[]) : [actual];
      return actuals.some((a) => (expected as unknown[]).includes(a));
    }
    if (expected && typeof expected === "object") return matchesPattern(expected, value[field]);
    throw new UnsupportedEventPattern(`the leaf ${JSON.stringify(expected)} (not an array)`);
  });
}
