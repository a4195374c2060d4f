import { strict as assert } from "assert";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { TOMBSTONE_TTL_SECONDS } from "../../../core/registryItem";
import { registryItem } from "../../../core/registrySchema";
import { LIVE_ENTRY_TTL_SECONDS, dynamoEchoLedger } from "../../../functions/shared/echoLedger";

const NOW = Date.UTC(2026, 11, 7);
const item = (deleted: boolean) =>
  registryItem({
    pk: "thing#sensor-1",
    kind: "thing",
    version: NOW - 1_000,
    updatedAt: new Date(NOW).toISOString(),
    updatedBy: "capture:eu-west-1",
    sourceRegion: "eu-west-1",
    deleted,
    desired: deleted ? null : { thingName: "sensor-1", thingTypeName: null, attributes: {} },
  });

/**
 * The marks of a live object are what the stream reconciler compares IoT's version with: an entry
 * that expired with the tombstone TTL (14 days) made the first replicated change of an object idle
 * for longer wait the whole bound for a capture that never comes (docs/convergence.md, rule 1).
 */
describe("echo ledger entries' lifetime", () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => ddb.reset().on(UpdateCommand).resolves({}));
  after(() => ddb.restore());
  const ledger = () => dynamoEchoLedger("registry", ddb as unknown as DynamoDBDocumentClient);
  const expiry = () =>
    ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues?.[":e"] as number;
  const seconds = Math.floor(NOW / 1000);

  it("keeps a live state's entry (the reconciler's write) for LIVE_ENTRY_TTL_SECONDS", async () => {
    await ledger().record("eu-central-1", item(false), NOW, { incarnation: "id-1", version: 3 });
    assert.equal(expiry(), seconds + LIVE_ENTRY_TTL_SECONDS);
    assert.ok(LIVE_ENTRY_TTL_SECONDS >= 365 * 24 * 3600, "at least a year");
  });

  it("keeps capture's mark of a live state as long", async () => {
    await ledger().noteCaptured(
      "eu-central-1",
      "thing#sensor-1",
      { incarnation: "id-1", version: 4 },
      NOW,
    );
    assert.equal(expiry(), seconds + LIVE_ENTRY_TTL_SECONDS);
  });

  it("lets a tombstone's entry expire with tombstones", async () => {
    await ledger().record("eu-central-1", item(true), NOW, null);
    assert.equal(expiry(), seconds + TOMBSTONE_TTL_SECONDS);
  });
});
