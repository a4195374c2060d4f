import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../../infra/config";
import { defineStack } from "../../../infra/program";

// A stack transformation needs the root stack resource, which the offline plan leaves out: the
// program runs inside one, as the Pulumi CLI runs a program.
export = pulumi.runtime.runInPulumiStack(async () => {
  // Each resource's own aliases as URNs (inherited ones are the engine's work; the test derives
  // them), keyed by its URN: the offline plan does not record aliases.
  const recorded: (() => pulumi.Output<[string, string[]]>)[] = [];
  pulumi.runtime.registerStackTransformation((args) => {
    const aliases = (args.opts.aliases ?? []).map((alias) =>
      pulumi
        .output(alias)
        .apply((a) =>
          typeof a === "string"
            ? pulumi.output(a)
            : pulumi.createUrn(
                a.name ?? args.name,
                a.type ?? args.type,
                a.parent ?? args.opts.parent,
              ),
        ),
    );
    // The resource's URN exists only once its constructor has run.
    if (aliases.length > 0)
      recorded.push(() => pulumi.all([args.resource.urn, pulumi.all(aliases)]));
    return undefined;
  });
  const outputs = defineStack(loadStackConfig(), pulumi.getStack());
  return Promise.resolve({ ...outputs, ownAliases: pulumi.all(recorded.map((r) => r())) });
});
