import { strict as assert } from "assert";
import {
  AlarmSpec,
  AlarmState,
  evaluateAlarm,
  evaluationRange,
  stateOfRange,
} from "../support/aws/cloudWatchAlarm";
import { MetricCheck, failoverAnswer, unsupportedAlarm } from "../support/aws/route53";

/**
 * The evaluators the fail-over test judges the plan with, checked against AWS's own examples
 * before they judge anything: the tables of "How alarm state is evaluated when data is missing"
 * (CloudWatch User Guide) and the failover rules of the Route 53 Developer Guide.
 */

/** The guide's notation: 0 not breaching, X breaching, - missing; oldest first. */
const row = (points: string): (number | undefined)[] =>
  points.split(" ").map((p) => (p === "X" ? 10 : p === "0" ? 1 : undefined));

const TREATMENTS = ["missing", "ignore", "breaching", "notBreaching"] as const;
/** Each table row: data points, then the state per treatment (null: not modelled, see the module). */
type Expected = [string, (AlarmState | "retain" | null)[]];

function checkTable(m: number, rows: Expected[]) {
  for (const [points, states] of rows) {
    TREATMENTS.forEach((treat, i) => {
      const expected = states[i];
      const spec: AlarmSpec = {
        period: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: m,
        statistic: "Average",
        threshold: 5,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: treat,
      };
      if (expected === null) {
        assert.throws(() => stateOfRange(spec, row(points), "OK"), /not modelled/);
        return;
      }
      for (const current of ["OK", "ALARM"] as const) {
        const want: AlarmState = expected === "retain" ? current : expected;
        assert.equal(
          stateOfRange(spec, row(points), current),
          want,
          `${m} of 3, "${points}", ${treat}, from ${current}`,
        );
      }
    });
  }
}

describe("CloudWatch alarm evaluation, against the CloudWatch User Guide's tables", () => {
  it("reproduces the 3-out-of-3 table (CloudWatch retrieves the 5 most recent data points)", () => {
    checkTable(3, [
      ["0 - X - X", ["OK", "OK", "OK", "OK"]],
      ["0 - - - -", [null, null, "OK", "OK"]],
      ["- - - - -", ["INSUFFICIENT_DATA", "retain", "ALARM", "OK"]],
      ["0 X X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
      ["- - - - X", [null, null, "ALARM", "OK"]],
      ["X - - - -", [null, null, "ALARM", "OK"]],
    ]);
  });

  it("reproduces the 2-out-of-3 table", () => {
    checkTable(2, [
      ["0 - X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
      ["0 0 X 0 X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
      ["0 - X - -", [null, null, "ALARM", "OK"]],
      ["- - - - 0", [null, null, "ALARM", "OK"]],
      ["- - - - X", [null, null, "ALARM", "OK"]],
    ]);
  });

  it("evaluates at whole minutes over complete periods aligned to the clock", () => {
    const spec: AlarmSpec = {
      period: 60,
      evaluationPeriods: 1,
      statistic: "Minimum",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    };
    const points = [
      { at: 61_000, value: 1 },
      { at: 119_999, value: 1 },
      { at: 120_000, value: 0 },
    ];
    // [60 s, 120 s) holds only 1s: OK at 120 s; the 0 at exactly 120 s is the next period's.
    assert.deepEqual(evaluationRange(spec, points, 120_000), [undefined, undefined, 1]);
    assert.equal(evaluateAlarm(spec, points, 120_000, "OK"), "OK");
    assert.equal(evaluateAlarm(spec, points, 180_000, "OK"), "ALARM");
    // Silence: the last real point is still in the evaluation range, so it is evaluated
    // ("alarms may repeatedly re-evaluate the last set of data points"); then missing is breaching.
    assert.equal(evaluateAlarm(spec, [{ at: 61_000, value: 1 }], 180_000, "OK"), "OK");
    assert.equal(evaluateAlarm(spec, [{ at: 61_000, value: 1 }], 300_000, "OK"), "ALARM");
    assert.throws(() => evaluateAlarm(spec, points, 90_000, "OK"), /whole minutes/);
  });
});

describe("Route 53, against the Route 53 Developer Guide", () => {
  const records = [
    { failover: "PRIMARY" as const, healthCheckId: "p", value: "primary" },
    { failover: "SECONDARY" as const, healthCheckId: "s", value: "secondary" },
  ];
  const answer = (p: boolean, s: boolean) =>
    failoverAnswer(records, (id) => (id === "p" ? p : s)).value;

  it("answers primary while healthy, secondary when only it is healthy, primary when neither is", () => {
    assert.equal(answer(true, true), "primary");
    assert.equal(answer(true, false), "primary");
    assert.equal(answer(false, true), "secondary");
    assert.equal(answer(false, false), "primary");
    // A record without a health check is always healthy.
    assert.equal(
      failoverAnswer([records[0], { failover: "SECONDARY", value: "s" }], () => false).value,
      "s",
    );
  });

  it("follows the alarm's data stream, and its insufficient-data setting when there is none", () => {
    const spec: AlarmSpec = {
      period: 60,
      evaluationPeriods: 1,
      statistic: "Minimum",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "missing",
    };
    const check = (status: "Healthy" | "Unhealthy" | "LastKnownStatus") =>
      new MetricCheck(
        {
          type: "CLOUDWATCH_METRIC",
          cloudwatchAlarmName: "a",
          cloudwatchAlarmRegion: "eu-west-1",
          insufficientDataHealthStatus: status,
        },
        spec,
      );
    assert.equal(check("Unhealthy").evaluate([], 60_000), false);
    assert.equal(check("Healthy").evaluate([], 60_000), true);
    // A new check with no last known status is healthy; later it keeps the last one.
    const lastKnown = check("LastKnownStatus");
    assert.equal(lastKnown.evaluate([], 60_000), true);
    assert.equal(lastKnown.evaluate([{ at: 60_000, value: 0 }], 120_000), false);
    assert.equal(lastKnown.evaluate([{ at: 60_000, value: 0 }], 600_000), false);
    const unhealthy = check("Unhealthy");
    assert.equal(unhealthy.evaluate([{ at: 60_000, value: 1 }], 120_000), true);
    assert.equal(
      unhealthy.evaluate(
        [
          { at: 60_000, value: 1 },
          { at: 120_000, value: 0 },
        ],
        180_000,
      ),
      false,
    );
  });

  it("refuses alarms Route 53 does not take: high resolution, extended statistics", () => {
    const spec: AlarmSpec = {
      period: 30,
      evaluationPeriods: 1,
      statistic: "Minimum",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
    };
    assert.deepEqual(unsupportedAlarm(spec), ["period 30 s is not standard resolution"]);
    assert.deepEqual(unsupportedAlarm({ ...spec, period: 60, statistic: "p99" as "Sum" }), [
      "statistic p99",
    ]);
  });
});
