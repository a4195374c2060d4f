import { strict as assert } from "assert";
import * as path from "path";
import { ProgramError, planStack } from "../../plan/engine";
import { readStackFile } from "../../plan/stackFile";
import { ROOT, ofType, ownStack } from "../support/ownStacks";
import { sharedPlanStackFile } from "../support/sampleStack";

const INVOKES_PROGRAM = path.join(ROOT, "tests", "programs", "invokes");

async function planPrimaryWith(secondaryOutputs: Record<string, unknown> | undefined) {
  const file = readStackFile(path.join(ROOT, "Pulumi.primary.yaml"), "iot-dr");
  return planStack({
    programDir: path.join(ROOT, "infra"),
    project: "iot-dr",
    stack: file.stack,
    config: file.config,
    secretKeys: file.secretKeys,
    stackOutputs: new Map(secondaryOutputs ? [["secondary", secondaryOutputs]] : []),
  });
}

describe("offline engine", () => {
  describe("stack references", () => {
    it("hands the secondary stack's outputs to the primary stack's reference", async () => {
      const secondary = await ownStack("secondary");
      const primary = await ownStack("primary");
      const [reference] = ofType(primary, "pulumi:pulumi:StackReference");
      assert.equal(reference.name, "organization/iot-dr/secondary");
      assert.deepEqual(reference.state.outputs, secondary.outputs);
      assert.deepEqual(primary.outputs.secondaryTopology, secondary.outputs.topology);
    });

    it("fails the primary stack when the secondary was deployed with other regions", async () => {
      const secondary = await ownStack("secondary");
      const topology = structuredClone(secondary.outputs.topology) as {
        regions: Record<string, string>;
      };
      topology.regions.secondary = "eu-north-1";
      await assert.rejects(planPrimaryWith({ ...secondary.outputs, topology }), (error: Error) => {
        assert.ok(error instanceof ProgramError);
        assert.match(error.message, /regions.secondary is eu-north-1 there and eu-central-1 here/);
        return true;
      });
    });

    it("fails the primary stack when no secondary stack was planned before it", async () => {
      await assert.rejects(
        planPrimaryWith(undefined),
        /no stack of that name was planned before this one/,
      );
    });
  });

  describe("invokes and computed state", () => {
    let plan: Awaited<ReturnType<typeof planStack>>;
    before(async () => {
      plan = await sharedPlanStackFile(INVOKES_PROGRAM, "invokes-probe", "dev");
    });

    it("answers each invoke for the calling provider's account, region and partition", () => {
      assert.deepEqual(plan.outputs.perProvider, {
        tokyo: {
          account: "555555555555",
          region: "ap-northeast-1",
          zones: ["ap-northeast-1a", "ap-northeast-1b", "ap-northeast-1c"],
          iot: "a5555offline-ats.iot.ap-northeast-1.amazonaws.com",
          partition: "aws",
        },
        beijing: {
          account: "666666666666",
          region: "cn-north-1",
          zones: ["cn-north-1a", "cn-north-1b", "cn-north-1c"],
          iot: "a6666offline-ats.iot.cn-north-1.amazonaws.com.cn",
          partition: "aws-cn",
        },
      });
    });

    it("answers the default provider from aws:region and a placeholder account", () => {
      assert.equal(plan.outputs.defaultAccount, "123456789012");
    });

    it("names nested resources with the whole parent type chain, as the engine does", () => {
      const queue = plan.resources.find((r) => r.type === "aws:sqs/queue:Queue");
      assert.ok(queue);
      assert.equal(
        queue.urn,
        "urn:pulumi:dev::invokes-probe::test:probe:Outer$test:probe:Inner$aws:sqs/queue:Queue::outer-inner-queue",
      );
      assert.equal(
        queue.parent,
        "urn:pulumi:dev::invokes-probe::test:probe:Outer$test:probe:Inner::outer-inner",
      );
    });

    it("records each resource's dependencies: the resources its inputs come from and its dependsOn", () => {
      const topic = plan.resources.find((r) => r.name === "dep-topic");
      const queue = plan.resources.find((r) => r.name === "dep-queue");
      const inner = plan.resources.find((r) => r.name === "outer-inner-queue");
      assert.ok(topic && queue && inner);
      assert.ok(queue.dependencies?.includes(topic.urn), "the input's resource");
      // dependsOn a component waits for the component's children too.
      assert.ok(queue.dependencies?.includes(inner.urn), "dependsOn the component's children");
      assert.deepEqual(topic.dependencies, []);
    });

    it("places a resource by the provider it inherits from its ancestors", () => {
      const queue = plan.resources.find((r) => r.type === "aws:sqs/queue:Queue");
      assert.ok(queue);
      assert.equal(queue.account, "666666666666");
      assert.equal(queue.region, "cn-north-1");
      assert.match(
        String(plan.outputs.queueArn),
        /^arn:aws-cn:sqs:cn-north-1:666666666666:outer-inner-queue-[0-9a-f]{7}$/,
      );
    });
  });
});
