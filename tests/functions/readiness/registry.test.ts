import { strict as assert } from "assert";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { registryCounts } from "../../../functions/readiness/registry";

describe("readiness: registry counts", () => {
  it("counts a key once, as the merge of its rows per region, across a page boundary", async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
    const mock = mockClient(doc);
    const row = (pk: string, writtenIn: string, version: number, deleted: boolean) => ({
      pk,
      kind: "thing",
      writtenIn,
      version,
      deleted,
    });
    mock
      .on(ScanCommand)
      .resolvesOnce({
        Items: [
          // Deleted in eu-west-1 after eu-central-1's older live row: gone.
          row("thing#a", "eu-central-1", 1, false),
          row("thing#a", "eu-west-1", 2, true),
          row("thing#b", "eu-central-1", 1, false),
        ],
        LastEvaluatedKey: { pk: "thing#b", writtenIn: "eu-central-1" },
      })
      .resolves({ Items: [row("thing#b", "eu-west-1", 2, false)] });
    const counts = await registryCounts(doc, "iot-dr-registry-rows");
    assert.equal(counts.thing, 1);
    mock.restore();
  });
});
