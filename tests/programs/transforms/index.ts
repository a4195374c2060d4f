import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// Every table is written with a replica in the peer region; a transform of each kind the SDK offers
// takes it away before the table is deployed. The plan must see the tables as deployed: no replica.
const tableArgs = (): aws.dynamodb.TableArgs => ({
  billingMode: "PAY_PER_REQUEST",
  hashKey: "pk",
  attributes: [{ name: "pk", type: "S" }],
  streamEnabled: true,
  streamViewType: "NEW_AND_OLD_IMAGES",
  replicas: [{ regionName: "eu-central-1" }],
});

const stripReplicas: pulumi.ResourceTransform = ({ type, props, opts }) =>
  type === "aws:dynamodb/table:Table" ? { props: { ...props, replicas: [] }, opts } : undefined;

// Engine transforms run the resource's own, then each ancestor's, then the stack's in the order
// they were registered: each appends its mark to the `order` tag.
const tagWith =
  (mark: string): pulumi.ResourceTransform =>
  ({ props, opts }) => ({
    props: {
      ...props,
      tags: { order: `${(props.tags as { order?: string })?.order ?? ""}>${mark}` },
    },
    opts,
  });

pulumi.runtime.registerResourceTransform(({ type, name, props, opts }) =>
  type === "aws:dynamodb/table:Table" && name.startsWith("stack-")
    ? { props: { ...props, replicas: [] }, opts }
    : undefined,
);
pulumi.runtime.registerResourceTransform(tagWith("stack"));

new aws.dynamodb.Table("own", tableArgs(), { transforms: [stripReplicas, tagWith("own")] });

class Service extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super("test:transforms:Service", name, {}, opts);
    new aws.dynamodb.Table(`${name}-table`, tableArgs(), { parent: this });
    this.registerOutputs({});
  }
}
new Service("inherited", { transforms: [stripReplicas, tagWith("parent")] });

new aws.dynamodb.Table("stack-table", tableArgs());

// A transform may also move a resource to another provider: it is deployed where that one acts.
const peer = new aws.Provider("peer", { region: "eu-central-1" });
new aws.dynamodb.Table("moved", tableArgs(), {
  transforms: [({ props, opts }) => ({ props, opts: { ...opts, provider: peer } })],
});

// Untouched: keeps its replica.
new aws.dynamodb.Table("kept", tableArgs(), { transforms: [tagWith("own")] });

// Two tables of one type and one name, told apart only by their parents (their URNs differ by the
// parent's type): the component's child loses its replica to the component's transform, the
// root-level one keeps it. The child is constructed first and registered last (one of its inputs
// is known only after the next turn of the event loop).
const later = pulumi.output(
  new Promise<string>((resolve) => setImmediate(() => resolve("twin-child"))),
);
class Pair extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super("test:transforms:Pair", name, {}, opts);
    new aws.dynamodb.Table("twin", { ...tableArgs(), name: later }, { parent: this });
    this.registerOutputs({});
  }
}
new Pair("pair", { transforms: [stripReplicas] });
new aws.dynamodb.Table("twin", tableArgs());
