import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { sharedAcrossProcesses } from "../support/processCache";

/**
 * The test processes share a computed result through tests/support/processCache.ts (the planned
 * own stacks): it must be computed again whenever a file it may depend on changes, and never keep
 * a failure. Each case uses a repository of its own (`root`) and its own cache folder.
 */
describe("results shared by the test processes (tests/support/processCache.ts)", () => {
  let where: { root: string; dir: string };
  let computed: number;
  beforeEach(() => {
    const base = mkdtempSync(join(tmpdir(), "process-cache-"));
    where = { root: join(base, "repo"), dir: join(base, "cache") };
    mkdirSync(join(where.root, "infra"), { recursive: true });
    writeFileSync(join(where.root, "infra", "index.ts"), "export const a = 1;\n");
    computed = 0;
  });
  afterEach(() => rmSync(join(where.root, ".."), { recursive: true, force: true }));

  const share = (parts: unknown = { stack: "primary" }, value: unknown = { n: 1 }) =>
    sharedAcrossProcesses(
      "plan",
      parts,
      () => {
        computed++;
        return Promise.resolve(value);
      },
      where,
    );

  it("computes once and reads it after, for the same name, parts and files", async () => {
    assert.deepEqual(await share(), { n: 1 });
    assert.deepEqual(await share(), { n: 1 });
    assert.equal(computed, 1);
  });

  it("computes again when a file changes or appears, a test file aside", async () => {
    await share();
    writeFileSync(join(where.root, "infra", "index.ts"), "export const a = 2;\n");
    await share();
    assert.equal(computed, 2, "a changed file");
    mkdirSync(join(where.root, "tests", "support"), { recursive: true });
    writeFileSync(join(where.root, "tests", "support", "helper.ts"), "export {};\n");
    await share();
    assert.equal(computed, 3, "a new file");
    writeFileSync(join(where.root, "tests", "x.test.ts"), "it('x', () => undefined);\n");
    await share();
    assert.equal(computed, 3, "a test file is not an input");
  });

  it("in a git checkout, computes again for a new file git sees, not for an ignored one", async () => {
    execFileSync("git", ["init", "-q"], { cwd: where.root });
    writeFileSync(join(where.root, ".gitignore"), ".drill/\n");
    await share();
    mkdirSync(join(where.root, ".drill"));
    writeFileSync(join(where.root, ".drill", "report.json"), "{}\n");
    await share();
    assert.equal(computed, 1, "an ignored artefact is no source");
    writeFileSync(join(where.root, "infra", "new.ts"), "export {};\n");
    await share();
    assert.equal(computed, 2, "an untracked file is");
  });

  it("computes again for other parts, keeping each", async () => {
    await share({ stack: "primary" });
    await share({ stack: "secondary" });
    await share({ stack: "primary" });
    assert.equal(computed, 2);
    // Told apart by what JSON would lose: a Map's entries, an undefined member.
    await share({ outputs: new Map([["primary", { a: 1 }]]) });
    await share({ outputs: new Map([["primary", { a: 2 }]]) });
    await share({ stack: "primary", defaults: undefined });
    assert.equal(computed, 5);
  });

  it("refuses a function among the parts: what it computes cannot be told apart", async () => {
    await assert.rejects(share({ onMissingConfig: () => undefined }), /could not be cloned/);
  });

  it("keeps no failure: the next caller computes and fails again", async () => {
    const failing = () =>
      sharedAcrossProcesses(
        "plan",
        {},
        () => {
          computed++;
          return Promise.reject(new Error("the plan failed"));
        },
        where,
      );
    await assert.rejects(failing(), /the plan failed/);
    await assert.rejects(failing(), /the plan failed/);
    assert.equal(computed, 2);
  });

  it("lets a second caller wait for the first one's result instead of computing it too", async () => {
    const [first, second] = await Promise.all([share(), share()]);
    assert.deepEqual([first, second], [{ n: 1 }, { n: 1 }]);
    assert.equal(computed, 1);
  });

  it("refuses a value that would not come back the same (a class instance)", async () => {
    class Report {
      n = 1;
    }
    await assert.rejects(share({}, new Report()), /does not survive v8.serialize/);
  });
});
