import { strict as assert } from "assert";
import { estimateCost, runsPerMonth } from "../../plan/costEstimate";
import { PRICES } from "../../plan/costPrices";
import type { PlannedResource } from "../../plan/plannedResource";

/** A planned resource as the engine records it, with only what the estimate reads. */
function planned(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  state: Record<string, unknown> = {},
  place: { account: string; region: string } = { account: "111111111111", region: "eu-west-1" },
): PlannedResource {
  return {
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    ...place,
    parent: null,
    inputs,
    state: { ...inputs, ...state },
    revealedInputs: inputs,
    revealedState: { ...inputs, ...state },
    custom: true,
    provider: null,
  };
}

describe("monthly cost estimate", () => {
  it("cites a page and the date it was read for every price", () => {
    for (const [key, price] of Object.entries(PRICES)) {
      assert.match(price.source, /https:\/\/\S+/, key);
      assert.match(price.read, /^\d{4}-\d{2}-\d{2}$/, key);
      assert.ok(price.usd > 0 && price.per > 0, key);
    }
  });

  it("counts schedules, health checks and clusters of the plan, per account and region", () => {
    const fnArn = "arn:aws:lambda:eu-west-1:111111111111:function:agg";
    const resources = [
      planned(
        "aws:route53/healthCheck:HealthCheck",
        "hc",
        {},
        {},
        {
          account: "111111111111",
          region: "global",
        },
      ),
      planned("aws:route53recoverycontrol/cluster:Cluster", "arc", {}),
      planned(
        "aws:lambda/function:Function",
        "agg",
        { memorySize: 1024, timeout: 60 },
        { arn: fnArn },
      ),
      planned("aws:cloudwatch/eventRule:EventRule", "every-minute", {
        name: "every-minute",
        scheduleExpression: "rate(1 minute)",
      }),
      planned("aws:cloudwatch/eventTarget:EventTarget", "target", {
        rule: "every-minute",
        arn: fnArn,
      }),
    ];
    const estimate = estimateCost(resources, 1_000_000);
    const byPlace = Object.fromEntries(
      estimate.places.map((p) => [`${p.account} ${p.region}`, p.items.map((i) => [i.what, i.usd])]),
    );
    const runs = 43_800;
    assert.equal(runsPerMonth("rate(1 minute)"), runs);
    assert.deepEqual(byPlace["111111111111 global"], [["Route 53 health checks", 0.5]]);
    const [[cluster, clusterUsd], [lambda, lambdaUsd]] = byPlace["111111111111 eu-west-1"] as [
      string,
      number,
    ][];
    assert.equal(cluster, "ARC cluster");
    assert.equal(clusterUsd, 2.5 * 730);
    assert.match(lambda, /^Lambda, scheduled/);
    // 43,800 runs x (request + 1 GB x 60 s).
    assert.ok(Math.abs(lambdaUsd - runs * (0.2e-6 + 60 * 0.0000166667)) < 1e-6);
    assert.ok(Math.abs(estimate.usd - (0.5 + 1825 + lambdaUsd)) < 1e-6);
  });
});
