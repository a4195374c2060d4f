import { strict as assert } from "assert";
import { FAKE_IOT_QUOTAS } from "../../bench/iotQuotas";
import { IOT_QUOTAS } from "../../core/iotQuotas";

describe("the benchmark's fake IoT quotas against the reconciler's table", () => {
  it("agree wherever both have a documented figure", () => {
    for (const [api, fake] of Object.entries(FAKE_IOT_QUOTAS)) {
      const project = IOT_QUOTAS[api];
      if (fake.basis === "documented" && project?.source === "general-reference") {
        assert.equal(project.tps, fake.tps, api);
      }
    }
  });

  it("a documented figure in one is documented in the other", () => {
    for (const [api, fake] of Object.entries(FAKE_IOT_QUOTAS)) {
      if (IOT_QUOTAS[api]) {
        assert.equal(
          fake.basis === "documented",
          IOT_QUOTAS[api].source === "general-reference",
          api,
        );
      }
    }
  });

  it("the reconciler never paces above what the fake admits, for every API the fake knows", () => {
    for (const [api, fake] of Object.entries(FAKE_IOT_QUOTAS)) {
      if (IOT_QUOTAS[api]) assert.ok(IOT_QUOTAS[api].tps <= fake.tps, api);
    }
  });
});
