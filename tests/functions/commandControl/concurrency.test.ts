import { strict as assert } from "assert";
import { ServiceDeps, route } from "../../../functions/commandControl/service";
import { FakeRegistry } from "./fakeRegistry";
import { CALLER, serviceDeps, validOnboard } from "./requests";

let now = 1_800_000_000_000;
function deps(registry: FakeRegistry, region = "eu-west-1"): ServiceDeps {
  // Each call sees a later clock, like two Lambda instances a millisecond apart.
  return serviceDeps(registry, { region, clock: () => ++now });
}

const onboarding = (registry: FakeRegistry, region: string, site: string) =>
  route(
    {
      method: "POST",
      resource: "/devices",
      body: JSON.stringify({ ...validOnboard(), attributes: { site } }),
      caller: CALLER,
    },
    deps(registry, region),
  );

describe("command & control under concurrent requests", () => {
  it("lets exactly one of two concurrent onboardings of the same device win; the other gets 409", async () => {
    const registry = new FakeRegistry();
    const results = await Promise.all([
      onboarding(registry, "eu-west-1", "plant-1"),
      onboarding(registry, "eu-central-1", "plant-2"),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    const winner = results.findIndex((r) => r.status === 201);
    const loser = results[1 - winner];
    assert.equal(loser.body.field, "name");
    assert.equal(registry.transactions, 1);
    const thing = registry.items.get("thing#sensor-0001");
    assert.deepEqual((thing?.desired as { attributes: unknown }).attributes, {
      site: winner === 0 ? "plant-1" : "plant-2",
    });
  });

  it("holds with ten concurrent onboardings too: one 201, nine 409, one transaction", async () => {
    const registry = new FakeRegistry();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => onboarding(registry, "eu-west-1", `plant-${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 9);
    assert.equal(registry.transactions, 1);
  });

  it("answers 409 to onboarding a device that exists, and accepts it again after decommissioning", async () => {
    const registry = new FakeRegistry();
    assert.equal((await onboarding(registry, "eu-west-1", "a")).status, 201);
    assert.equal((await onboarding(registry, "eu-west-1", "b")).status, 409);
    const deleted = await route(
      { method: "DELETE", resource: "/devices/{name}", pathName: "sensor-0001", caller: CALLER },
      deps(registry),
    );
    assert.equal(deleted.status, 202);
    assert.equal(registry.items.get("thing#sensor-0001")?.deleted, true);
    // No TTL until both regions confirmed the delete (docs/convergence.md, tombstones).
    assert.equal(registry.items.get("thing#sensor-0001")?.expiresAt, undefined);
    assert.equal((await onboarding(registry, "eu-west-1", "c")).status, 201);
  });

  it("lets one of a concurrent suspend and decommission win and answers 409 to the other", async () => {
    const registry = new FakeRegistry();
    await onboarding(registry, "eu-west-1", "a");
    const results = await Promise.all([
      route(
        {
          method: "POST",
          resource: "/devices/{name}/suspend",
          pathName: "sensor-0001",
          caller: CALLER,
        },
        deps(registry),
      ),
      route(
        { method: "DELETE", resource: "/devices/{name}", pathName: "sensor-0001", caller: CALLER },
        deps(registry),
      ),
    ]);
    assert.deepEqual(results.map((r) => r.status).filter((s) => s === 409).length, 1);
    assert.equal(registry.transactions, 2);
  });

  it("suspends by deactivating the certificate and resumes by activating it, versions growing", async () => {
    const registry = new FakeRegistry();
    const created = await onboarding(registry, "eu-west-1", "a");
    const certKey = `certificate#${String(created.body.certificateId)}`;
    const suspend = await route(
      {
        method: "POST",
        resource: "/devices/{name}/suspend",
        pathName: "sensor-0001",
        caller: CALLER,
      },
      deps(registry),
    );
    assert.equal(suspend.status, 200);
    assert.equal((registry.items.get(certKey)?.desired as { status: string }).status, "INACTIVE");
    const v1 = registry.items.get(certKey)!.version;
    const again = await route(
      {
        method: "POST",
        resource: "/devices/{name}/suspend",
        pathName: "sensor-0001",
        caller: CALLER,
      },
      deps(registry),
    );
    assert.equal(again.body.changed, false);
    await route(
      {
        method: "POST",
        resource: "/devices/{name}/resume",
        pathName: "sensor-0001",
        caller: CALLER,
      },
      deps(registry),
    );
    assert.equal((registry.items.get(certKey)?.desired as { status: string }).status, "ACTIVE");
    assert.ok(registry.items.get(certKey)!.version > v1);
  });
});
