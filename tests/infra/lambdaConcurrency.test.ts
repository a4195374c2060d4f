import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../infra/config";
import { ACCOUNT_KEYS } from "../../infra/config/schema";
import {
  DEFAULT_ACCOUNT_CONCURRENCY,
  RESERVED_CONCURRENCY,
  concurrencyNeeded,
} from "../../core/lambdaConcurrency";
import { validRawConfig } from "../support/config";
import { ofType, ownStack } from "../support/ownStacks";

const SECRET = new Set(["accounts"]);
const DEFAULTS = { organization: "acme", project: "iot-dr" };
const ACCOUNT_IDS = {
  sharedServices: "111111111111",
  iotServices: "222222222222",
  commandControl: "333333333333",
  dataAnalytics: "444444444444",
} as const;

describe("Lambda reserved concurrency against the accounts' quotas", () => {
  it("refuses, at plan time, an account whose quota cannot keep 100 unreserved, naming the figure", () => {
    const raw = { ...validRawConfig(), lambdaConcurrencyLimits: { iotServices: 110 } };
    let error: unknown;
    try {
      parseStackConfig(raw, SECRET, DEFAULTS);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.deepEqual(
      error.problems.map((p) => p.key),
      ["iot-dr:lambdaConcurrencyLimits.iotServices"],
    );
    assert.match(error.problems[0].message, /at least 118 .*reserves 18 .*got 110/);
    // A new account's quota of 10 cannot even take the aggregator's one reservation.
    assert.throws(
      () =>
        parseStackConfig(
          { ...validRawConfig(), lambdaConcurrencyLimits: { sharedServices: 10 } },
          SECRET,
          DEFAULTS,
        ),
      /lambdaConcurrencyLimits\.sharedServices: expected at least 101/,
    );
  });

  it("accepts the default quota and an account that reserves nothing at any limit", () => {
    const config = parseStackConfig(
      { ...validRawConfig(), lambdaConcurrencyLimits: { commandControl: 10, iotServices: 118 } },
      SECRET,
      DEFAULTS,
    );
    assert.equal(config.lambdaConcurrencyLimits.sharedServices, DEFAULT_ACCOUNT_CONCURRENCY);
    assert.equal(config.lambdaConcurrencyLimits.commandControl, 10);
  });

  for (const stack of ["primary", "secondary"] as const) {
    it(`checks what the ${stack} stack really reserves, per account and region`, async () => {
      const report = await ownStack(stack);
      const planned = new Map<string, number>();
      for (const fn of ofType(report, "aws:lambda/function:Function")) {
        const reserved = Number(fn.revealedInputs.reservedConcurrentExecutions ?? 0);
        if (reserved <= 0) continue;
        const key = `${fn.account}/${fn.region}`;
        planned.set(key, (planned.get(key) ?? 0) + reserved);
      }
      assert.ok(planned.size > 0, "the plan reserves concurrency somewhere");
      for (const [where, reserved] of planned) {
        const account = ACCOUNT_KEYS.find((k) => where.startsWith(`${ACCOUNT_IDS[k]}/`));
        assert.ok(account, `reservation in an unknown account: ${where}`);
        assert.equal(reserved, RESERVED_CONCURRENCY[account], `reserved in ${account} (${where})`);
        assert.ok(concurrencyNeeded(reserved) > reserved);
      }
    });
  }
});
