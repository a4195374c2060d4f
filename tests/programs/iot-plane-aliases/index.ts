import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../../infra/config";
import { defineStack } from "../../../infra/program";

/**
 * An alias as given, its parent kept as a resource so the plan reports that parent's real URN (or
 * the URN given for a parent that no longer exists).
 */
interface RecordedAlias {
  urn?: string;
  name?: string;
  type?: string;
  parent?: pulumi.Resource | string;
}

// Each resource's own aliases (inherited ones are the engine's work; the test derives them). The
// offline plan runs the program under the root stack resource, as the Pulumi CLI does, so this
// stack transformation sees every resource; the plan does not record aliases itself.
const recorded: { resource: pulumi.Resource; aliases: pulumi.Output<RecordedAlias[]> }[] = [];
pulumi.runtime.registerStackTransformation((args) => {
  if (!args.opts.aliases?.length) return undefined;
  const aliases = pulumi.all(
    args.opts.aliases.map((alias) =>
      pulumi.output(alias).apply((a): RecordedAlias => {
        if (typeof a === "string") return { urn: a };
        const parent = a.parent ?? args.opts.parent;
        return {
          name: String(a.name ?? args.name),
          type: String(a.type ?? args.type),
          parent:
            parent instanceof pulumi.Resource || typeof parent === "string" ? parent : undefined,
        };
      }),
    ),
  );
  recorded.push({ resource: args.resource, aliases });
  return undefined;
});

const outputs = defineStack(loadStackConfig(), pulumi.getStack());
export = {
  ...outputs,
  ownAliases: recorded.map(({ resource, aliases }) => ({ resource, aliases })),
};
