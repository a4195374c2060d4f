import { strict as assert } from "assert";
import { Route53Answer } from "../../../functions/reconnect/route53Answer";
import { FailoverDns } from "../../../drill/failoverDns";

/**
 * The function's Route 53 adapter against a DNS server on loopback (the drill's stand-in over
 * UDP): it asks for the failover CNAME and compares the target with the PRIMARY record's. The
 * drill itself answers in memory (its virtual clock cannot wait on a socket), so this is where
 * the adapter meets a real DNS answer.
 */
describe("reconnect function: Route 53's answer over DNS", () => {
  it("answers the primary while the record says PRIMARY, the secondary after it switched", async () => {
    const state = { primaryHealthy: true };
    const dns = new FailoverDns(
      "iot.drill.test",
      5,
      { name: "primary.iot.drill.test", endpoint: { host: "127.0.0.1", port: 1 } },
      { name: "secondary.iot.drill.test", endpoint: { host: "127.0.0.1", port: 2 } },
      () => state.primaryHealthy,
    );
    const address = await dns.start();
    try {
      const answer = new Route53Answer({
        domain: "iot.drill.test",
        zoneName: "drill.test",
        primaryRegion: "primary",
        primaryTarget: "primary.iot.drill.test",
        nameServers: [`${address.host}:${address.port}`],
      });
      const inMemory = dns.answerPort("primary");
      assert.deepEqual(
        [await answer.answers("primary"), await answer.answers("secondary")],
        [true, false],
      );
      assert.deepEqual(
        [await inMemory.answers("primary"), await inMemory.answers("secondary")],
        [true, false],
      );
      state.primaryHealthy = false;
      assert.deepEqual(
        [await answer.answers("primary"), await answer.answers("secondary")],
        [false, true],
      );
      // The drill's in-memory view of the same record agrees with the adapter.
      assert.deepEqual(
        [await inMemory.answers("primary"), await inMemory.answers("secondary")],
        [false, true],
      );
    } finally {
      await dns.close();
    }
  });
});
