import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// The older transformations run in the SDK, while the resource is constructed: the option's,
// then its parents', then the stack's. Each takes the replica away from the tables it names.
const tableArgs = (): aws.dynamodb.TableArgs => ({
  billingMode: "PAY_PER_REQUEST",
  hashKey: "pk",
  attributes: [{ name: "pk", type: "S" }],
  streamEnabled: true,
  streamViewType: "NEW_AND_OLD_IMAGES",
  replicas: [{ regionName: "eu-central-1" }],
});

const stripReplicas =
  (only?: string): pulumi.ResourceTransformation =>
  ({ type, name, props, opts }) =>
    type === "aws:dynamodb/table:Table" && (!only || name === only)
      ? { props: { ...props, replicas: [] }, opts }
      : undefined;

new aws.dynamodb.Table("option", tableArgs(), { transformations: [stripReplicas()] });
pulumi.runtime.registerStackTransformation(stripReplicas("stack"));
new aws.dynamodb.Table("stack", tableArgs());
new aws.dynamodb.Table("kept", tableArgs());
