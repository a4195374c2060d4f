import { strict as assert } from "assert";
import {
  IOT_QUOTAS,
  parseQuotaShare,
  quotaOf,
  QUOTA_OVERSUBSCRIPTION,
  quotaShareFor,
} from "../../../core/iotQuotas";

/**
 * Figures as the AWS General Reference's "AWS IoT Core endpoints and quotas" API TPS table and
 * Service Quotas state them (https://docs.aws.amazon.com/general/latest/gr/iot-core.html),
 * written down here, not read from the code under test.
 */
const PUBLISHED: Record<string, number> = {
  GetPolicy: 10,
  ListThingPrincipals: 10,
  UpdateThingGroup: 15,
  DeleteThingGroup: 15,
  CreateThing: 100,
  AttachThingPrincipal: 100,
  CreateThingGroup: 25,
  ListThings: 10,
  DescribeThing: 350,
  DescribeCertificate: 10,
};

describe("IoT quota table", () => {
  for (const [api, tps] of Object.entries(PUBLISHED)) {
    it(`paces ${api} at AWS's published ${tps} TPS, not more`, () => {
      assert.equal(quotaOf(api), tps);
      assert.equal(IOT_QUOTAS[api].source, "general-reference");
    });
  }

  it("cites a Service Quotas code for every figure it calls published", () => {
    for (const [api, quota] of Object.entries(IOT_QUOTAS)) {
      if (quota.source === "general-reference")
        assert.match(quota.code ?? "", /^L-[0-9A-F]{8}$/, api);
    }
  });

  it("marks the figures with no published source unconfirmed and keeps them low", () => {
    for (const api of [
      "DetachPolicy",
      "ListAttachedPolicies",
      "AttachPolicy",
      "UpdateThingShadow",
    ]) {
      assert.equal(IOT_QUOTAS[api].source, "unconfirmed", api);
    }
    for (const api of ["DetachPolicy", "ListAttachedPolicies", "AttachPolicy"]) {
      assert.ok(quotaOf(api) <= 10, `${api} at ${quotaOf(api)} TPS`);
    }
  });

  it("paces an API it has never heard of below every known control-plane quota", () => {
    assert.ok(quotaOf("SomeNewApi") <= Math.min(...Object.values(PUBLISHED)));
  });
});

describe("quota share", () => {
  it("lets the containers that can run at once pace at 1.3 x the quota together, one at most 1 x", () => {
    assert.equal(QUOTA_OVERSUBSCRIPTION, 1.3);
    assert.equal(quotaShareFor(10), 0.13);
    assert.equal(quotaShareFor(2), 0.65);
    assert.equal(quotaShareFor(1), 1);
  });

  it("refuses a concurrency that is not a positive integer, naming it", () => {
    assert.throws(() => quotaShareFor(0), /reserved concurrency.*got 0/);
    assert.throws(() => quotaShareFor(2.5), /got 2.5/);
  });

  it("refuses a QUOTA_SHARE that is missing or outside (0, 1] instead of pacing at the whole quota", () => {
    assert.equal(parseQuotaShare("0.1"), 0.1);
    for (const bad of [undefined, "", "0", "-1", "1.5", "ten"]) {
      assert.throws(() => parseQuotaShare(bad), /QUOTA_SHARE: expected a number in \(0, 1\]/);
    }
  });
});
