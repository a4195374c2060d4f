import { strict as assert } from "assert";
import { costLines, estimateCost, isoMinutes, runsPerMonth } from "../../plan/costEstimate";
import { PRICES } from "../../plan/costPrices";
import type { PlannedResource } from "../../plan/plannedResource";
import { ownStacks } from "../support/ownStacks";

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
      // A price no page was found for says so instead of a figure.
      if (price.usd === null) assert.match(price.source, /PRICE NOT FOUND/, key);
      else assert.ok(price.usd > 0, key);
      assert.ok(price.per > 0, key);
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
    assert.deepEqual(byPlace["111111111111 global"], [["Route 53 health checks, ?", 0.5]]);
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

  it("counts the Region switch plan, the health checks its blocks make and the planned checks by type", () => {
    const step = (recordName: string) => ({
      executionBlockType: "Route53HealthCheck",
      route53HealthCheckConfigs: [{ hostedZoneId: "Z1", recordName }],
    });
    const resources = [
      planned(
        "aws:arcregionswitch/plan:Plan",
        "plan",
        {
          regions: ["eu-west-1", "eu-central-1"],
          workflows: [
            { steps: [step("iot.example.com"), step("api.example.com")] },
            { steps: [step("iot.example.com")] },
          ],
        },
        { arn: "arn:aws:arc-region-switch::111111111111:plan/iot-dr:abcdef" },
      ),
      planned("aws:route53/healthCheck:HealthCheck", "tcp", { type: "TCP", requestInterval: 10 }),
      planned("aws:route53/healthCheck:HealthCheck", "gate", { type: "CALCULATED" }),
      planned("aws:route53/healthCheck:HealthCheck", "gate2", { type: "CALCULATED" }),
    ];
    const estimate = estimateCost(resources, 1000);
    const items = Object.fromEntries(estimate.places[0].items.map((i) => [i.what, i]));
    // Two record names x two regions, however many workflows name them.
    assert.equal(items["Route 53 health checks, made by Region switch"].usd, 4 * 0.5);
    assert.equal(items["Route 53 health checks, CALCULATED"].usd, 2 * 0.5);
    assert.equal(items["Route 53 health checks, TCP"].usd, 0.5);
    assert.equal(items["ARC Region switch plan"].unpriced, true);
    assert.equal(items["Route 53 health checks, fast interval"].unpriced, true);
    assert.deepEqual([...estimate.unpriced].sort(), [
      "ARC Region switch plan",
      "Route 53 health checks, fast interval",
    ]);
    assert.equal(estimate.usd, 3.5);
    assert.match(costLines(estimate)[0], /\$3\.50 \+ not priced: .*ARC Region switch plan/);
  });

  it("counts a game day's action-minutes at the assumed number of runs", () => {
    const template = planned("aws:fis/experimentTemplate:ExperimentTemplate", "game-day", {
      actions: [
        { parameters: [{ key: "duration", value: "PT10M" }] },
        { parameters: [{ key: "duration", value: "PT1H30S" }] },
      ],
    });
    const [item] = estimateCost([template], 1).places[0].items;
    assert.equal(item.what, "FIS game day experiments");
    assert.ok(Math.abs(item.usd - 70.5 * 0.1) < 1e-9, String(item.usd));
    assert.equal(isoMinutes("PT2H"), 120);
    assert.throws(() => isoMinutes("10 minutes"), /not PT/);
  });
});

describe("monthly cost estimate of our own plan", function () {
  this.timeout(300_000);

  it("counts every health check the plan makes and every one its records' checks follow", async () => {
    for (const report of await ownStacks()) {
      const checks = report.resources.filter(
        (r) => r.type === "aws:route53/healthCheck:HealthCheck",
      );
      const ids = new Set(checks.map((c) => String(c.revealedState.arn).split("/").pop()));
      // Children no planned check is: the health checks the Region switch plan's blocks make.
      const external = new Set(
        checks
          .flatMap((c) => (c.revealedInputs.childHealthchecks as string[] | undefined) ?? [])
          .filter((id) => !ids.has(id)),
      );
      const counted = estimateCost(report.resources, 1)
        .places.flatMap((p) => p.items)
        .filter((i) => /^Route 53 health checks, (?!fast interval)/.test(i.what))
        .reduce((n, i) => n + i.usd, 0);
      assert.equal(counted, (checks.length + external.size) * 0.5, report.stack);
    }
  });
});
