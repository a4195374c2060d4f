import { strict as assert } from "assert";
// Loaded here first: Node keeps the first module that imports a package as that package's
// `module_first_parent` for good, which would keep the first run of the program alive once per
// process, whatever the engine does. Each run of the program must go; that is what is tested.
import "@pulumi/aws";
import * as path from "path";
import { setFlagsFromString } from "v8";
import { runInNewContext } from "vm";
import { ROOT } from "../support/ownStacks";
import { planStackFile } from "../support/sampleStack";

const PROGRAM = path.join(ROOT, "tests", "programs", "retention");
const RUNS = 3;

// A full collection on demand; mocha runs without --expose-gc (V8 flag set at run time).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function planOnce(): Promise<void> {
  await planStackFile(PROGRAM, "retention", "dev");
}

describe("offline engine memory", () => {
  const holder = globalThis as {
    retentionProbe?: FinalizationRegistry<number>;
    retentionRuns?: number;
  };
  afterEach(() => {
    delete holder.retentionProbe;
    delete holder.retentionRuns;
  });

  it("keeps no run of a stack's program once its plan has returned", async () => {
    // Other files plan every program under tests/programs, this one too, in the same worker.
    holder.retentionRuns = 0;
    const collected = new Set<number>();
    holder.retentionProbe = new FinalizationRegistry((run) => collected.add(run));
    for (let i = 0; i < RUNS; i++) await planOnce();
    assert.equal(holder.retentionRuns, RUNS, "the program ran once per plan");
    // Finalizers run in a task after the collection that found the object unreachable; a
    // retained resource never gets one, so the bound only decides how long a failure takes.
    for (let round = 0; round < 20 && collected.size < RUNS; round++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const kept = [...Array(RUNS).keys()].map((i) => i + 1).filter((run) => !collected.has(run));
    assert.deepEqual(kept, [], `runs ${kept.join(", ")} of ${RUNS} are still reachable`);
  });
});
