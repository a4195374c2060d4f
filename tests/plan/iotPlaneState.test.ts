import { strict as assert } from "assert";
import { placementOf } from "../../plan/mocks/placement";
import { mockResourceState } from "../../plan/mocks/resourceState";

const frankfurt = placementOf("222222222222", "eu-central-1");

function stateOf(type: string, inputs: Record<string, unknown>, name = "res") {
  return mockResourceState({ type, name, inputs, where: frankfurt });
}

describe("mock state of the IoT plane's resources", () => {
  it("names state machines with a colon, as Step Functions does", () => {
    const { id, state } = stateOf("aws:sfn/stateMachine:StateMachine", { name: "sweep" });
    assert.equal(state.arn, "arn:aws:states:eu-central-1:222222222222:stateMachine:sweep");
    assert.equal(id, state.arn);
  });

  it("places schedules in their group", () => {
    const { state } = stateOf("aws:scheduler/schedule:Schedule", { name: "s" });
    assert.equal(state.arn, "arn:aws:scheduler:eu-central-1:222222222222:schedule/default/s");
  });

  it("gives an IoT certificate a 64-hex id and placeholders, never key material", () => {
    const { id, state } = stateOf("aws:iot/certificate:Certificate", { active: true });
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(state.arn, `arn:aws:iot:eu-central-1:222222222222:cert/${id}`);
    assert.match(String(state.privateKey), /PLACEHOLDER/);
    assert.doesNotMatch(String(state.privateKey), /BEGIN .*PRIVATE KEY/);
  });

  it("keeps a KMS alias's own alias/ prefix in its ARN", () => {
    const { state } = stateOf("aws:kms/alias:Alias", { name: "alias/k" });
    assert.equal(state.arn, "arn:aws:kms:eu-central-1:222222222222:alias/k");
  });

  it("gives trails a regional ARN by name", () => {
    const { state } = stateOf("aws:cloudtrail/trail:Trail", { name: "t" });
    assert.equal(state.arn, "arn:aws:cloudtrail:eu-central-1:222222222222:trail/t");
  });
});
