/**
 * The moto harness itself: how it fails when moto is missing, and the bridges it adds to what moto
 * emulates (certificate ids, global table replication), each checked against AWS's behaviour.
 */
import { strict as assert } from "assert";
import { X509Certificate, createHash } from "crypto";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { IoTClient, RegisterCertificateWithoutCACommand } from "@aws-sdk/client-iot";
import { CERTIFICATE_PEM } from "../functions/commandControl/requests";
import { MOTO_MISSING, MotoUnavailable, clientConfig, startMoto, useMoto } from "../support/moto";
import { createPlannedTable, GlobalTableBridge } from "./support/globalTable";

describe("moto harness", function () {
  this.timeout(30_000);

  describe("when moto cannot be started", () => {
    const cases: [string, Parameters<typeof startMoto>[0]][] = [
      // -S leaves site-packages off the path: python3 runs, `import moto` fails.
      ["python3 cannot import moto", { pythonArgs: ["-S"] }],
      ["there is no python3", { python: "python3-absent-from-this-machine" }],
    ];
    for (const [what, options] of cases) {
      it(`fails with one message saying what is missing and how to install it when ${what}`, async () => {
        const error = await startMoto(options).then(
          () => assert.fail("moto started"),
          (e: unknown) => e as Error,
        );
        assert.ok(error instanceof MotoUnavailable);
        assert.ok(error.message.startsWith(MOTO_MISSING), error.message);
        assert.match(error.message, /pip install 'moto\[server\]'/);
        // No stack trace under the message: mocha prints the stack, which is the message alone.
        assert.equal(error.stack, error.message);
      });
    }
  });

  describe("bridges", () => {
    const moto = useMoto();

    it("gives certificates AWS's ids: the SHA-256 of the DER encoding", async () => {
      const iot = new IoTClient(clientConfig(moto(), "eu-west-1"));
      const out = await iot.send(
        new RegisterCertificateWithoutCACommand({
          certificatePem: CERTIFICATE_PEM,
          status: "ACTIVE",
        }),
      );
      const der = new X509Certificate(CERTIFICATE_PEM).raw;
      assert.equal(out.certificateId, createHash("sha256").update(der).digest("hex"));
    });

    it("replicates the global table both ways, last writer wins, without echoes", async () => {
      const plan = {
        name: "t",
        hashKey: "pk",
        attributes: [{ name: "pk", type: "S" }],
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
      };
      const replicas = ["eu-west-1", "eu-central-1"].map((region) => ({
        region,
        tableName: "t",
        ddb: new DynamoDBClient(clientConfig(moto(), region)),
        streams: new DynamoDBStreamsClient(clientConfig(moto(), region)),
      }));
      for (const r of replicas) await createPlannedTable(r.ddb, plan);
      const put = (i: number, value: string) =>
        replicas[i].ddb.send(
          new PutItemCommand({ TableName: "t", Item: { pk: { S: "k" }, v: { S: value } } }),
        );
      const read = async (i: number) =>
        (
          await replicas[i].ddb.send(
            new GetItemCommand({ TableName: "t", Key: { pk: { S: "k" } } }),
          )
        ).Item?.v?.S;
      const bridge = new GlobalTableBridge(replicas);

      await put(0, "first");
      const { delivered } = await bridge.pump();
      assert.equal(await read(1), "first");
      assert.equal(delivered.get("eu-west-1")?.[0]?.eventName, "INSERT");
      assert.equal(delivered.get("eu-west-1")?.[0]?.eventSource, "aws:dynamodb");

      // Both regions write the key before replication: the later write wins in both.
      await put(0, "older");
      await new Promise((resolve) => setTimeout(resolve, 20));
      await put(1, "newer");
      await bridge.pump();
      await bridge.pump();
      assert.deepEqual([await read(0), await read(1)], ["newer", "newer"]);

      // Replicated writes are delivered to the other region's stream consumer, and not sent back.
      const quiet = await bridge.pump();
      assert.equal(quiet.replicated, 0);
      assert.deepEqual(
        [...quiet.delivered.values()].map((records) => records.length),
        [0, 0],
      );
    });
  });
});
