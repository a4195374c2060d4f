import { strict as assert } from "assert";
import { ActualThing, IotStatusPort } from "../../../functions/commandControl/ports";
import { route } from "../../../functions/commandControl/service";
import { FakeRegistry } from "./fakeRegistry";
import { CALLER, IotWithFleetCa, serviceDeps, validOnboard } from "./requests";

class FakeIot extends IotWithFleetCa implements IotStatusPort {
  constructor(private readonly answer: ActualThing | null | Error) {
    super();
  }
  describe(): Promise<ActualThing | null> {
    if (this.answer instanceof Error) return Promise.reject(this.answer);
    return Promise.resolve(this.answer);
  }
}

describe("command & control GET /devices/{name}", () => {
  it("shows the desired state and, per region, whether IoT has caught up", async () => {
    const registry = new FakeRegistry();
    const base = serviceDeps(registry);
    const created = await route(
      {
        method: "POST",
        resource: "/devices",
        body: JSON.stringify(validOnboard()),
        caller: CALLER,
      },
      base,
    );
    const certificateId = String(created.body.certificateId);
    const inSync: ActualThing = {
      thingTypeName: null,
      attributes: { site: "plant-7" },
      certificates: [{ certificateId, status: "ACTIVE" }],
    };
    const unavailable = new Error("down");
    unavailable.name = "ServiceUnavailableException";
    const result = await route(
      { method: "GET", resource: "/devices/{name}", pathName: "sensor-0001", caller: CALLER },
      {
        ...base,
        iot: {
          "eu-west-1": new FakeIot(inSync),
          "eu-central-1": new FakeIot(null),
          "us-east-1": new FakeIot(unavailable),
        },
      },
    );
    assert.equal(result.status, 200);
    const regions = result.body.regions as Record<
      string,
      { state: string; differences?: string[]; error?: string }
    >;
    assert.equal(regions["eu-west-1"].state, "in-sync");
    assert.deepEqual(regions["eu-central-1"], {
      state: "pending",
      actual: null,
      differences: ["thing does not exist yet"],
    });
    assert.deepEqual(regions["us-east-1"], {
      state: "unreachable",
      error: "ServiceUnavailableException",
    });
    const desired = result.body.desired as { certificates: unknown[]; suspended: boolean };
    assert.deepEqual(desired.certificates, [{ certificateId, status: "ACTIVE" }]);
    assert.equal(desired.suspended, false);
  });
});
