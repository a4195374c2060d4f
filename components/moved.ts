import * as pulumi from "@pulumi/pulumi";
import { FORMER_TYPES } from "./shared/formerTypes";

/**
 * Keeps deployed resources when they move under a new component: for each direct child of a
 * `component` that `aliases` names (a map or a function of the child's name), adds that alias (its name and parent before the
 * move), so the engine finds the child's old state instead of replacing it. A child's own children
 * follow through the engine's inherited aliases: the parent's alias URN with their unchanged type,
 * and, where a child's name starts with its parent's, that prefix swapped for the alias's name
 * (https://www.pulumi.com/docs/iac/concepts/options/aliases/).
 */
export function movedChildren(
  component: abstract new (...args: never[]) => pulumi.Resource,
  aliases: Record<string, pulumi.Alias> | ((child: string) => pulumi.Alias | undefined),
): pulumi.ResourceTransformation {
  const aliasOf = typeof aliases === "function" ? aliases : (child: string) => aliases[child];
  return ({ type, name, props, opts }) => {
    const alias = aliasOf(name);
    if (!alias || !(opts.parent instanceof component)) return undefined;
    // A child whose type was renamed since also had its former type at its old place.
    const former = FORMER_TYPES[type];
    const aliases =
      former && alias.type === undefined ? [alias, { ...alias, type: former }] : [alias];
    return { props, opts: pulumi.mergeOptions(opts, { aliases }) };
  };
}
