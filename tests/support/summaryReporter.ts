import * as Mocha from "mocha";

/**
 * Mocha's spec output, then one closing line `N passed, N failed` that CI reads. Mocha already
 * exits non-zero when a test fails; this only states the count plainly.
 */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, () => failed++);
    // Registered after the spec reporter's epilogue, so it prints last.
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () =>
      console.log(`${passed} passed, ${failed} failed`),
    );
  }
}

export = SummaryReporter;
