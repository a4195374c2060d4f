import * as Mocha from "mocha";
import { relative } from "path";
import { FAILED_PREFIX } from "../../bench/tooling/measure";

/**
 * Mocha's spec output, then a line `failed: <full title> (<file>)` per failed test and one closing
 * line `N passed, N failed` that CI reads. Mocha already exits non-zero when a test fails; this
 * states the count plainly and names the failures where a tool (bench:tooling) can read them.
 */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    const failures: string[] = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => passed++);
    // A failing hook counts too: its tests never ran.
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Runnable) =>
      failures.push(
        `${test.fullTitle()}${test.file ? ` (${relative(process.cwd(), test.file)})` : ""}`,
      ),
    );
    // Registered after the spec reporter's epilogue, so it prints last.
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      for (const failure of failures)
        console.log(`${FAILED_PREFIX}${failure.replace(/\s+/g, " ")}`);
      console.log(`${passed} passed, ${failures.length} failed`);
    });
  }
}

export = SummaryReporter;
