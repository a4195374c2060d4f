import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { bundleFunction, functionCode } from "../../components/lambda/bundle";

describe("function code archives", () => {
  it("hands the engine a folder holding exactly the bundle as index.js, by a path relative to the program", async () => {
    const archive = functionCode("capture");
    assert.ok(pulumi.asset.FileArchive.isInstance(archive), "a FileArchive, not the text inline");
    const folder = await archive.path;
    assert.ok(!path.isAbsolute(folder), `${folder}: state must not carry this machine's path`);
    assert.deepEqual(fs.readdirSync(folder), ["index.js"]);
    assert.equal(fs.readFileSync(path.join(folder, "index.js"), "utf8"), bundleFunction("capture"));
  });
});
