import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planInProcess } from "../support/planCli";

const PROGRAM = path.join("tests", "programs", "asymmetric-functions");

/** `npm run plan -- ARGS` through the CLI's entry function, in this process. */
const plan = (...args: string[]) => planInProcess(args);

interface Peer {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
}

describe("npm run plan -- --stack NAME --write-pack-config FILE", function () {
  this.timeout(180_000);

  it("writes the stack's pack config with the other stack's resources for every relation rule", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pack-config-")), "primary.json");
    const run = await plan(
      "--program",
      PROGRAM,
      "--config",
      path.join(PROGRAM, "Pulumi.secondary.yaml"),
      "--config",
      path.join(PROGRAM, "Pulumi.primary.yaml"),
      "--stack",
      "primary",
      "--write-pack-config",
      file,
    );
    assert.equal(run.status, 1, run.stderr); // the sample breaks lambda-function-symmetric
    const config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<
      string,
      { peerResources?: Peer[] }
    >;
    const peers = config["lambda-function-symmetric"].peerResources ?? [];
    assert.ok(peers.length > 0);
    assert.ok(peers.every((p) => p.urn.startsWith("urn:pulumi:secondary::")));
    assert.ok(peers.some((p) => p.type === "aws:cloudwatch/eventBus:EventBus"));
    assert.ok(!peers.some((p) => p.type.startsWith("pulumi:")), "providers carry credentials");
    for (const rule of [
      "dynamodb-table-global",
      "s3-bucket-replicated",
      "s3-bucket-multi-region-access-point",
      "eventbridge-bus-global-endpoint",
      "route53-record-failover-pair",
    ]) {
      assert.deepEqual(config[rule].peerResources, peers, rule);
    }
  });

  it("takes the peer the stack's config names (peerStack), and refuses one that was not planned", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-stack-"));
    const copy = (stack: string, peer: string) => {
      const text = fs.readFileSync(path.join(PROGRAM, `Pulumi.${stack}.yaml`), "utf8");
      const file = path.join(dir, `Pulumi.${stack}.yaml`);
      fs.writeFileSync(
        file,
        text.replace(/^config:\n/m, `config:\n  asymmetric-functions:peerStack: ${peer}\n`),
      );
      return file;
    };
    const secondary = copy("secondary", "organization/asymmetric-functions/primary");
    const named = async (peer: string) => {
      const file = path.join(dir, `${peer}.json`);
      const run = await plan(
        ...["--program", PROGRAM, "--config", secondary],
        ...["--config", copy("primary", `organization/asymmetric-functions/${peer}`)],
        ...["--stack", "primary", "--write-pack-config", file],
      );
      return { run, file };
    };
    const good = await named("secondary");
    assert.equal(good.run.status, 1, good.run.stderr);
    const config = JSON.parse(fs.readFileSync(good.file, "utf8")) as Record<
      string,
      { peerResources?: Peer[] }
    >;
    const peers = config["dynamodb-table-global"].peerResources ?? [];
    assert.ok(peers.length > 0 && peers.every((p) => p.urn.startsWith("urn:pulumi:secondary::")));
    const bad = await named("staging");
    assert.equal(bad.run.status, 2, bad.run.stderr);
    assert.match(
      bad.run.stderr,
      /asymmetric-functions:peerStack of stack primary is "organization\/asymmetric-functions\/staging": expected one of the stacks planned with it \(secondary, primary\)/,
    );
    assert.ok(!fs.existsSync(bad.file), "no pack config written for a peer that was not planned");
  });

  it("refuses --write-pack-config without --stack, naming both", async () => {
    const run = await plan("--write-pack-config", "x.json");
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--write-pack-config FILE needs --stack NAME/);
  });
});
