import { strict as assert } from "assert";
import { Readable } from "stream";
import { DescribeCertificateCommand, DescribeThingCommand } from "@aws-sdk/client-iot";
import { ApiRateLimiters, adaptiveIotClients } from "../../functions/shared/apiRateLimit";

/** Records each attempt's API, then lets the SDK's limiter of that API decide as usual. */
class Recording extends ApiRateLimiters {
  attempts: string[] = [];
  override attempt<T>(api: string, send: () => Promise<T>): Promise<T> {
    this.attempts.push(api);
    return super.attempt(api, send);
  }
}

/** An IoT endpoint answering each request with the next of `answers` (status, JSON body). */
function endpoint(answers: [number, Record<string, unknown>, string?][]) {
  return {
    handle: () => {
      const [statusCode, body, type] = answers.shift()!;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (type) headers["x-amzn-errortype"] = type;
      return Promise.resolve({
        response: { statusCode, headers, body: Readable.from([Buffer.from(JSON.stringify(body))]) },
      });
    },
  };
}

describe("IoT clients with the SDK's adaptive limiter per API", () => {
  it("puts every attempt, retries included, through the limiter of its own API", async () => {
    const recording = new Recording();
    const { iot } = adaptiveIotClients(
      {
        region: "eu-west-1",
        credentials: { accessKeyId: "a", secretAccessKey: "s" },
        requestHandler: endpoint([
          [500, { message: "try again" }, "InternalFailureException"],
          [200, { thingName: "dev-1", thingId: "id-1" }],
          [200, { certificateDescription: { certificateId: "c1", status: "ACTIVE" } }],
        ]),
      },
      () => recording,
    );
    const thing = await iot.send(new DescribeThingCommand({ thingName: "dev-1" }));
    assert.equal(thing.thingId, "id-1");
    assert.equal(thing.$metadata.attempts, 2, "the SDK's retry strategy retried the 500");
    await iot.send(new DescribeCertificateCommand({ certificateId: "c1" }));
    assert.deepEqual(recording.attempts, ["DescribeThing", "DescribeThing", "DescribeCertificate"]);
    // One limiter per API: a throttled DescribeCertificate cannot slow DescribeThing down.
    assert.notEqual(recording.of("DescribeThing"), recording.of("DescribeCertificate"));
    assert.equal(recording.of("DescribeThing"), recording.of("DescribeThing"));
  });
});
