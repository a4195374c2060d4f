import { RuleExample, WEST, resource } from "./kit";

const exempt = (urn: string) => ({
  exemptions: [
    { resource: urn, reason: "created and replicated by the platform team's own stack" },
  ],
});

/** Rules that follow from the classification of every type: unknown, opaque, unjudged stores. */
export const classExamples: RuleExample[] = [
  {
    rule: "resource-type-classified",
    failing: [WEST, resource("aws:dynamodb/futureStore:FutureStore", "future")],
    rejects: "future",
    passing: [WEST, resource("aws:dynamodb/table:Table", "future")],
  },
  {
    rule: "opaque-resource-refused",
    failing: [WEST, resource("aws:cloudformation/stack:Stack", "legacy")],
    rejects: "legacy",
    passing: [WEST, resource("aws:cloudformation/stack:Stack", "legacy")],
    passingConfig: exempt("urn:pulumi:*::test::aws:cloudformation/stack:Stack::legacy"),
  },
  {
    rule: "stateful-replication-judged",
    failing: [WEST, resource("aws:efs/fileSystem:FileSystem", "shared-files")],
    rejects: "shared-files",
    passing: [WEST, resource("aws:efs/fileSystem:FileSystem", "shared-files")],
    passingConfig: exempt("urn:pulumi:*::test::aws:efs/fileSystem:FileSystem::shared-files"),
  },
];
