import { strict as assert } from "assert";
import { isBlocking } from "../../plan/run";
import { ownStack } from "../support/ownStacks";

describe("the iot-dr pack on our own program", () => {
  for (const name of ["secondary", "primary"] as const) {
    it(`finds no mandatory violation in the ${name} stack, cross-stack checks included`, async () => {
      const report = await ownStack(name);
      assert.deepEqual(
        report.violations.filter(isBlocking).map((v) => `${v.policy}: ${v.message}`),
        [],
      );
    });
  }
});
