import { strict as assert } from "assert";
import type { PutEventsRequestEntry, PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import {
  entrySize,
  MAX_BYTES_PER_CALL,
  pack,
  parseTelemetry,
  toEntry,
  type TaggedEntry,
} from "../../../functions/forwarder/batch";
import { forward } from "../../../functions/forwarder/forward";
import { manualClock } from "../../support/fakeRegistry";

const BUS = "arn:aws:events:eu-west-1:333333333333:event-bus/iot-dr-telemetry";
const SOURCE = "iot-dr.telemetry";
const tagged = (n: number, payloadBytes = 10): TaggedEntry => ({
  recordId: `m${n}`,
  entry: toEntry(
    {
      topic: "dt/dev/1",
      clientId: `dev-${n}`,
      receivedAt: 1_700_000_000_000 + n,
      data: "x".repeat(payloadBytes),
    },
    `m${n}`,
    BUS,
    SOURCE,
  ),
});

describe("forwarder", () => {
  it("packs at most 10 entries per call", () => {
    const calls = pack(Array.from({ length: 23 }, (_, i) => tagged(i)));
    assert.deepEqual(
      calls.map((c) => c.length),
      [10, 10, 3],
    );
  });

  it("packs at most 256 KB per call, counting entries as EventBridge does", () => {
    const big = Array.from({ length: 5 }, (_, i) => tagged(i, 100 * 1024));
    const calls = pack(big);
    assert.deepEqual(
      calls.map((c) => c.length),
      [2, 2, 1],
    );
    for (const call of calls)
      assert.ok(call.reduce((s, t) => s + entrySize(t.entry), 0) <= MAX_BYTES_PER_CALL);
  });

  it("writes a stable Detail with the message id so analytics can drop duplicates", () => {
    const a = toEntry({ receivedAt: 5, clientId: "c", topic: "t", b: 1, a: 2 }, "m1", BUS, SOURCE);
    const b = toEntry({ a: 2, b: 1, topic: "t", clientId: "c", receivedAt: 5 }, "m1", BUS, SOURCE);
    assert.equal(a.Detail, b.Detail);
    assert.deepEqual(JSON.parse(a.Detail!), {
      clientId: "c",
      messageId: "m1",
      payload: { a: 2, b: 1 },
      receivedAt: 5,
      topic: "t",
    });
    assert.equal(a.EventBusName, BUS);
  });

  it("retries only the entries that failed, and reports those that never succeed", async () => {
    const sent: string[][] = [];
    const events = {
      putEvents(entries: PutEventsRequestEntry[]): Promise<PutEventsResultEntry[]> {
        sent.push(entries.map((e) => (JSON.parse(e.Detail!) as { messageId: string }).messageId));
        return Promise.resolve(
          entries.map((e) => {
            const id = (JSON.parse(e.Detail!) as { messageId: string }).messageId;
            // m3 fails once, m7 always.
            if (id === "m7" || (id === "m3" && sent.length === 1))
              return { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" };
            return { EventId: `e-${id}` };
          }),
        );
      },
    };
    const failed = await forward(
      Array.from({ length: 10 }, (_, i) => tagged(i)),
      { events, endpointId: "abcde.veo", clock: manualClock(), maxAttempts: 3 },
    );
    assert.deepEqual(sent, [
      ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"],
      ["m3", "m7"],
      ["m7"],
    ]);
    assert.deepEqual([...failed], ["m7"]);
  });

  it("refuses a record that is not telemetry, naming the record and the fields expected", () => {
    assert.throws(
      () => parseTelemetry('{"topic":"t"}', "m9"),
      /record m9: expected telemetry JSON with topic, clientId/,
    );
  });
});
