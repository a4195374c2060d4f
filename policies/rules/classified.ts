import { ResourceValidationPolicy } from "@pulumi/policy";
import { classOf, mustBeClassified } from "../classification";
import { commonSchema } from "./support";

const kindOf = (type: string) => type.split(":").pop() ?? type;

/**
 * The pack's promise covers only what it knows: a type it has not classified (a provider newer
 * than the classification, another AWS provider) is refused rather than passed.
 */
export const resourceTypeClassified: ResourceValidationPolicy = {
  name: "resource-type-classified",
  description:
    "Every AWS resource type must be classified by the pack (policies/classification): a type of a newer @pulumi/aws, or of another AWS provider, is refused until it is classified.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    if (!mustBeClassified(args.type) || classOf(args.type)) return;
    report(
      `${args.type} ${args.name} is of a type the pack has not classified, so it cannot tell whether it survives a region loss: classify the type in policies/classification/table.ts (regenerate installedTypes.ts after a provider upgrade), or exempt this URN with a reason.`,
    );
  },
};

/** A CloudFormation stack or a dynamic provider deploys what no rule can read. */
export const opaqueResourceRefused: ResourceValidationPolicy = {
  name: "opaque-resource-refused",
  description:
    "Resources that deploy what the pack cannot see (CloudFormation stacks and stack sets, Service Catalog products, Cloud Control resources, Route 53 traffic policies, dynamic providers) are refused unless exempted by URN with a reason.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const found = classOf(args.type);
    if (found?.kind !== "opaque") return;
    report(
      `${kindOf(args.type)} ${args.name} ${found.note}, so nothing it creates is judged: declare those resources in the program, or exempt this URN with the reason it survives a region loss.`,
    );
  },
};

/**
 * A data store whose replication the pack cannot check is refused: its data would be lost with
 * the region for all the pack knows. The message names what AWS offers instead.
 */
export const statefulReplicationJudged: ResourceValidationPolicy = {
  name: "stateful-replication-judged",
  description:
    "Stateful resource types whose cross-region replication no rule of the pack checks are refused: they are not known to survive a region loss.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const found = classOf(args.type);
    if (found?.kind !== "replicated" || found.rule) return;
    report(
      `${kindOf(args.type)} ${args.name} holds data that is not known to survive a region loss: no rule of the pack checks its replication (what AWS offers: ${found.proof}). Use a store the pack judges (DynamoDB global table, replicated S3, Aurora global database), or exempt this URN with a reason.`,
    );
  },
};
