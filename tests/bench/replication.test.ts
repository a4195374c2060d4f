import { strict as assert } from "assert";
import { parseOptions, quotaBoundRate, runReplication } from "../../bench/replication";
import { fakeQuotaOf } from "../../bench/iotQuotas";
import { sweepBoundSecondsPer1M } from "../../bench/sweepBench";
import {
  CAPTURE_CONCURRENCY,
  RECONCILER_CONCURRENCY,
  RECONCILER_QUOTA_SHARE,
  STREAM_SETTINGS,
  SWEEP_MAX_CONCURRENCY,
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

  it("bounds the sweep by its per-object calls at their quotas and share, not by its listings", () => {
    const share = Math.min(1, RECONCILER_QUOTA_SHARE * SWEEP_MAX_CONCURRENCY);
    // One 10-TPS call per device (ListThingPrincipals) at the running segments' share.
    const bound = sweepBoundSecondsPer1M({
      ListThingPrincipals: 1,
      DescribeThing: 1,
      ListCertificates: 0.004,
    });
    assert.equal(Math.round(bound), Math.round(1_000_000 / (10 * share)));
    // A listing, however many calls it takes, sets no bound.
    assert.equal(sweepBoundSecondsPer1M({ ListCertificates: 1 }), 0);
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
