import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cachedBuild } from "../../components/lambda/bundleCache";

describe("function bundle cache", () => {
  let root: string;
  let cacheFile: string;
  let builds: number;
  const build = () => {
    builds++;
    const source = fs.readFileSync(path.join(root, "handler.ts"), "utf8");
    return { outputs: { handler: `built(${source})` }, inputs: ["handler.ts"] };
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-"));
    cacheFile = path.join(root, "cache", "bundles.json");
    fs.writeFileSync(path.join(root, "handler.ts"), "v1");
    fs.writeFileSync(path.join(root, "package-lock.json"), "{}");
    builds = 0;
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("reuses the last build while every file it read is unchanged", () => {
    assert.deepEqual(cachedBuild(cacheFile, root, ["k"], build), { handler: "built(v1)" });
    assert.deepEqual(cachedBuild(cacheFile, root, ["k"], build), { handler: "built(v1)" });
    assert.equal(builds, 1);
  });

  it("builds again when a file it read changes, though its time may not", () => {
    cachedBuild(cacheFile, root, ["k"], build);
    const { mtime } = fs.statSync(path.join(root, "handler.ts"));
    fs.writeFileSync(path.join(root, "handler.ts"), "v2");
    fs.utimesSync(path.join(root, "handler.ts"), mtime, mtime);
    assert.deepEqual(cachedBuild(cacheFile, root, ["k"], build), { handler: "built(v2)" });
    assert.equal(builds, 2);
  });

  it("builds again for other options or another lockfile", () => {
    cachedBuild(cacheFile, root, ["k"], build);
    cachedBuild(cacheFile, root, ["other options"], build);
    fs.writeFileSync(path.join(root, "package-lock.json"), '{"lockfileVersion":3}');
    cachedBuild(cacheFile, root, ["other options"], build);
    assert.equal(builds, 3);
  });

  it("builds again over a damaged cache file", () => {
    cachedBuild(cacheFile, root, ["k"], build);
    fs.writeFileSync(cacheFile, '{"key": tru');
    assert.deepEqual(cachedBuild(cacheFile, root, ["k"], build), { handler: "built(v1)" });
    assert.equal(builds, 2);
  });
});
