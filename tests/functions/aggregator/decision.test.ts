import { strict as assert } from "assert";
import {
  CheckResult,
  HealthState,
  INITIAL_STATE,
  judgeRound,
  nextState,
} from "../../../functions/aggregator/decision";

const EXPECTED = ["iot-services", "command-control", "data-analytics"];
const healthy = (name: string): CheckResult => ({ name, outcome: "healthy" });

describe("aggregator decision", () => {
  describe("one round", () => {
    it("is healthy when every API answers healthy", () => {
      assert.deepEqual(judgeRound(EXPECTED.map(healthy), EXPECTED), { healthy: true, reasons: [] });
    });

    it("fails on a timeout of one API, naming it", () => {
      const results = [
        healthy("iot-services"),
        healthy("command-control"),
        { name: "data-analytics", outcome: "timeout" as const },
      ];
      assert.deepEqual(judgeRound(results, EXPECTED), {
        healthy: false,
        reasons: ["data-analytics: timeout"],
      });
    });

    it("fails on a partial failure, naming the failing checkpoints", () => {
      const results = [
        { name: "iot-services", outcome: "unhealthy" as const, failing: ["mqtt-round-trip"] },
        healthy("command-control"),
        healthy("data-analytics"),
      ];
      assert.deepEqual(judgeRound(results, EXPECTED).reasons, [
        "iot-services: unhealthy (mqtt-round-trip)",
      ]);
    });

    it("fails when everything is down or nothing answered", () => {
      const down = EXPECTED.map((name) => ({ name, outcome: "error" as const }));
      assert.equal(judgeRound(down, EXPECTED).reasons.length, 3);
      assert.deepEqual(
        judgeRound([], EXPECTED).reasons,
        EXPECTED.map((n) => `${n}: no answer`),
      );
    });
  });

  describe("across rounds", () => {
    const run = (rounds: boolean[], state: HealthState = INITIAL_STATE) =>
      rounds.reduce<{ state: HealthState; values: number[] }>(
        (acc, ok) => {
          const next = nextState(acc.state, ok);
          return { state: next, values: [...acc.values, next.value] };
        },
        { state, values: [] },
      ).values;

    it("drops to 0 after two failed rounds, not on a single blip", () => {
      assert.deepEqual(run([false, true, false, false]), [1, 1, 1, 0]);
    });

    it("stays out while the region flaps and returns after three healthy rounds in a row", () => {
      assert.deepEqual(run([false, false, true, false, true, true, true]), [1, 0, 0, 0, 0, 0, 1]);
    });
  });
});
