import { strict as assert } from "assert";
import { parseOptions, quotaBoundRate, runReplication } from "../../bench/replication";
import { fakeQuotaOf } from "../../bench/iotQuotas";
import {
  CAPTURE_CONCURRENCY,
  RECONCILER_CONCURRENCY,
  RECONCILER_QUOTA_SHARE,
  STREAM_SETTINGS,
} from "../../core/reconcilerSizing";

describe("replication benchmark", () => {
  it("runs the deployed topology: containers, batch size and share as infra sets them", async () => {
    const options = parseOptions(["--devices", "200", "--no-faults"]);
    if (options === "help") return assert.fail("not help");
    const result = await runReplication(options);
    assert.equal(result.batchSize, STREAM_SETTINGS.batchSize);
    assert.equal(result.parallelizationFactor, STREAM_SETTINGS.parallelizationFactor);
    assert.equal(result.containers, RECONCILER_CONCURRENCY);
    assert.equal(result.quotaShare, RECONCILER_QUOTA_SHARE);
    assert.equal(result.captureConcurrency, CAPTURE_CONCURRENCY);
    // The origin side's calls are counted: capture's reads in the primary, per device.
    assert.ok(result.callsPerDevice["eu-west-1"].DescribeCertificate >= 1);
    assert.ok(result.callsPerDevice["eu-west-1"].ListThingPrincipals >= 1);
    // Without faults nothing is lost and the regions agree.
    assert.equal(result.lost, 0);
    assert.equal(result.divergent, 0);
    assert.equal(result.corruptWrites, 0);
  });

  it("bounds the rate by the fake's own quota table, not the reconciler's", () => {
    assert.equal(quotaBoundRate, fakeQuotaOf("RegisterCertificateWithoutCA"));
  });

  it("answers --help and refuses bad options, naming them", () => {
    assert.equal(parseOptions(["--help"]), "help");
    assert.throws(
      () => parseOptions(["--devices", "many"]),
      /--devices: expected an integer >= 10, got "many"/,
    );
    assert.throws(() => parseOptions(["--shards", "0"]), /--shards: expected an integer >= 1/);
    assert.throws(() => parseOptions(["--fast"]), /unknown argument "--fast"/);
  });
});
