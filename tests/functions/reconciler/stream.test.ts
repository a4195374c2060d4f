import { strict as assert } from "assert";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { latestItems } from "../../../functions/reconciler/stream";
import { parseSweep, segmentOf } from "../../../functions/reconciler/sweep";

const record = (
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  seq: string,
  version: number,
): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    SequenceNumber: seq,
    NewImage:
      eventName === "REMOVE"
        ? undefined
        : (marshall({
            pk: "thing#dev-1",
            kind: "thing",
            version,
            deleted: false,
            desired: {},
          }) as never),
  },
});

describe("reconciler inputs", () => {
  it("keeps the newest image per key and resumes a retry at the key's first record", () => {
    const items = latestItems([
      record("INSERT", "100", 1),
      record("MODIFY", "200", 3),
      record("MODIFY", "300", 2),
      record("REMOVE", "400", 0),
    ]);
    assert.equal(items.length, 1);
    assert.equal(items[0].item.version, 3);
    assert.equal(items[0].firstSequenceNumber, "100");
  });

  it("reads a sweep segment and refuses one outside its total, naming the input", () => {
    assert.deepEqual(parseSweep({ sweep: { segment: 2, totalSegments: 8 } }), {
      segment: 2,
      totalSegments: 8,
    });
    assert.equal(parseSweep({ Records: [] }), undefined);
    assert.throws(
      () => parseSweep({ sweep: { segment: 8, totalSegments: 8 } }),
      /sweep: expected integers 0 <= segment < totalSegments/,
    );
  });

  it("splits local names among segments stably", () => {
    const names = Array.from({ length: 1000 }, (_, i) => `dev-${i}`);
    const counts = new Array<number>(4).fill(0);
    for (const name of names) counts[segmentOf(name, 4)] += 1;
    // FNV-1a values: a change of hash would move names between segments of a running sweep.
    assert.deepEqual(
      ["dev-0", "dev-1", "dev-2"].map((n) => segmentOf(n, 4)),
      [1, 2, 3],
    );
    for (const count of counts) assert.ok(count > 150, `uneven split ${counts.join()}`);
  });
});
