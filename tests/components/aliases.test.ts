import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GlobalEventBus } from "../../components/globalEventBus";
import { GlobalEndpoint } from "../../components/eventBus/globalEndpoint";
import { TelemetryBus } from "../../components/eventBus/telemetryBus";
import { movedChildren } from "../../components/moved";
import { FORMER_TYPES } from "../../components/shared/formerTypes";

/** One registration: what the engine would key its state by, and the aliases it was given. */
interface Registration {
  type: string;
  name: string;
  parent?: pulumi.Resource;
  aliases: pulumi.Alias[];
}

/** Stands for the project's AccountRegion: the parent the resources had before the move. */
class Region extends pulumi.ComponentResource {
  constructor(name: string, record: pulumi.ResourceTransformation) {
    super("iotdr:accounts:AccountRegion", name, {}, { transformations: [record] });
  }
}

/** A URN below the region: the type chain and the name (the region itself is the same before and after). */
type Key = string;

function recorder(into: Map<pulumi.Resource, Registration>): pulumi.ResourceTransformation {
  return ({ resource, type, name, opts }) => {
    into.set(resource, {
      type,
      name,
      parent: opts.parent,
      aliases: (opts.aliases ?? []) as pulumi.Alias[],
    });
    return undefined;
  };
}

/** A type as a stack deployed before the one type scheme holds it. */
const typeThen = (type: string): string => FORMER_TYPES[type] ?? type;

/**
 * The URN each registration had (`aliased` false: the old layout, deployed before the types were
 * renamed) or is aliased to, as the engine derives it.
 */
function keys(
  regs: Map<pulumi.Resource, Registration>,
  region: pulumi.Resource,
  aliased: boolean,
): Map<pulumi.Resource, { chain: string[]; name: string }> {
  const out = new Map<pulumi.Resource, { chain: string[]; name: string }>();
  const of = (resource: pulumi.Resource): { chain: string[]; name: string } => {
    const known = out.get(resource);
    if (known) return known;
    const reg = regs.get(resource)!;
    // The alias to its old place, with the type it had there.
    const alias = aliased
      ? reg.aliases.find(
          (a) => a.parent !== undefined && (a.type ?? reg.type) === typeThen(reg.type),
        )
      : undefined;
    let key: { chain: string[]; name: string };
    if (alias) {
      const parent = alias.parent as pulumi.Resource;
      const base = parent === region ? [] : of(parent).chain;
      key = {
        chain: [...base, (alias.type as string | undefined) ?? reg.type],
        name: (alias.name as string | undefined) ?? reg.name,
      };
    } else if (reg.parent === region) {
      key = { chain: [aliased ? reg.type : typeThen(reg.type)], name: reg.name };
    } else {
      const parent = regs.get(reg.parent!)!;
      const parentKey = of(reg.parent!);
      // The engine's inherited alias: a child named from its parent follows the parent's old name,
      // combined with each of the child's own aliases (a renamed child's alias to its former type).
      const name = reg.name.startsWith(parent.name)
        ? parentKey.name + reg.name.slice(parent.name.length)
        : reg.name;
      const typeAliased = reg.aliases.some((a) => a.type === typeThen(reg.type) && !a.parent);
      const type = !aliased || typeAliased ? typeThen(reg.type) : reg.type;
      key = { chain: [...parentKey.chain, type], name };
    }
    out.set(resource, key);
    return key;
  };
  for (const resource of regs.keys()) if (resource !== region) of(resource);
  return out;
}

const asKey = (k: { chain: string[]; name: string }): Key => `${k.chain.join("$")}::${k.name}`;

const ARGS = {
  accountId: "444444444444",
  regions: { primary: "eu-west-1", secondary: "eu-central-1" },
  busName: "iot-dr-telemetry",
  endpointName: "iot-dr-telemetry",
  producer: { accountId: "222222222222", source: "iot-dr.telemetry" },
  health: { latencyThresholdMs: 30000, alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 },
};

describe("aliases of resources moved under a component (sample: the primary stack's telemetry bus)", () => {
  before(() =>
    pulumi.runtime.setMocks(
      {
        newResource: (args) => ({
          id: `${args.name}-id`,
          state: args.inputs as Record<string, unknown>,
        }),
        call: () => ({}),
      },
      "sample",
      "primary",
    ),
  );

  it("gives every resource of the old layout an alias from the new one, and nothing new but the component", () => {
    // Before: the bus and the endpoint straight under the account's region.
    const before = new Map<pulumi.Resource, Registration>();
    const oldRegion = new Region("data-analytics-old", recorder(before));
    const oldBus = new TelemetryBus(
      "telemetry",
      {
        accountId: ARGS.accountId,
        busName: ARGS.busName,
        producerAccountId: ARGS.producer.accountId,
        producerSource: ARGS.producer.source,
      },
      { parent: oldRegion },
    );
    new GlobalEndpoint(
      "telemetry",
      {
        accountId: ARGS.accountId,
        busName: ARGS.busName,
        endpointName: ARGS.endpointName,
        primaryRegion: ARGS.regions.primary,
        secondaryRegion: ARGS.regions.secondary,
        primaryBusArn: oldBus.bus.arn,
        secondaryBusArn: "arn:aws:events:eu-central-1:444444444444:event-bus/iot-dr-telemetry",
        ...ARGS.health,
      },
      { parent: oldRegion },
    );

    // After: the component, with the aliases infra/dataPlane/index.ts gives it.
    const after = new Map<pulumi.Resource, Registration>();
    const parent = new Region("data-analytics-new", recorder(after));
    const component = new GlobalEventBus(
      "telemetry",
      {
        ...ARGS,
        sides: ["primary"],
        providers: { primary: new aws.Provider("p", { region: "eu-west-1" }) },
      },
      {
        parent,
        transformations: [
          movedChildren(GlobalEventBus, {
            "telemetry-primary": { name: "telemetry", parent },
            telemetry: { parent },
          }),
        ],
      },
    );

    const oldKeys = [...keys(before, oldRegion, false).values()].map(asKey).sort();
    const newKeys = keys(after, parent, true);
    const aliasTargets = [...newKeys.entries()]
      .filter(([resource]) => resource !== component)
      .map(([, key]) => asKey(key))
      .sort();
    assert.ok(oldKeys.length >= 10, `only ${oldKeys.length} resources in the old layout`);
    assert.deepEqual(aliasTargets, oldKeys);
  });
});
