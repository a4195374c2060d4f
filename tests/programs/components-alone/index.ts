import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
// By the package's name, as another program would (package.json `exports`).
import { CrossAccountPrivateApi, GlobalEventBus, MultiRegionBucket, RegionSide } from "iot-dr";

// Another topology than the project's: two accounts (an owner and a consumer), an APAC pair.
const owner = "555555555555";
const consumer = "666666666666";
const regions = { primary: "ap-southeast-2", secondary: "ap-northeast-1" };

const provider = (name: string, account: string, region: string) =>
  new aws.Provider(name, { region: region as aws.Region, allowedAccountIds: [account] });

const config = new pulumi.Config();
// One component alone (`only`: events, documents or status), as a unit test builds it; default all.
const only = config.get("only");
const wanted = (component: string) => only === undefined || only === component;
const sides = (config.get("sides")?.split(",") ?? ["primary", "secondary"]) as RegionSide[];
// The primary side needs the secondary's provider too: that bucket's replication rule is set there.
const ownerIn = {
  primary: provider("owner-primary", owner, regions.primary),
  secondary: provider("owner-secondary", owner, regions.secondary),
};

const events = wanted("events") ? orders() : undefined;
const documents = wanted("documents") ? shopDocuments() : undefined;
const status = wanted("status") ? statusApi() : undefined;

function orders() {
  return new GlobalEventBus("orders", {
    providers: ownerIn,
    sides,
    accountId: owner,
    regions,
    busName: "shop-orders",
    endpointName: "shop-orders",
    producer: { accountId: consumer, source: "shop.orders" },
    health: { latencyThresholdMs: 30000, alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 },
  });
}

function shopDocuments() {
  return new MultiRegionBucket("documents", {
    providers: { ...ownerIn, accessPointControl: provider("owner-mrap", owner, "us-west-2") },
    sides,
    accountId: owner,
    regions,
    bucketPrefix: "shop-documents",
    accessPointName: "shop-documents",
    activeRegion: "primary",
    noncurrentVersionDays: 30,
    replicationTimeControl: true,
    // A split deployment's primary reads this from the secondary's stack outputs.
    secondaryKeyArn: sides.includes("secondary")
      ? undefined
      : `arn:aws:kms:${regions.secondary}:${owner}:key/0a1b2c3d-0000-4000-8000-000000000001`,
  });
}

function statusApi() {
  // The consumer's VPC, where the component makes the execute-api endpoint.
  const consumerPrimary = provider("consumer-primary", consumer, regions.primary);
  const vpc = new aws.ec2.Vpc(
    "consumer-vpc",
    { cidrBlock: "10.9.0.0/24", enableDnsSupport: true, enableDnsHostnames: true },
    { provider: consumerPrimary },
  );
  const subnet = new aws.ec2.Subnet(
    "consumer-subnet",
    { vpcId: vpc.id, cidrBlock: "10.9.0.0/26" },
    { provider: consumerPrimary },
  );
  const group = new aws.ec2.SecurityGroup(
    "consumer-endpoint",
    {
      vpcId: vpc.id,
      description: "HTTPS from the VPC",
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.9.0.0/24"] }],
      egress: [],
    },
    { provider: consumerPrimary },
  );
  const handlerArn = `arn:aws:lambda:${regions.primary}:${owner}:function:order-status`;
  return new CrossAccountPrivateApi("status", {
    providers: { provider: ownerIn.primary, consumer: consumerPrimary },
    consumer: {
      network: {
        region: regions.primary,
        vpcId: vpc.id,
        subnetIds: [subnet.id],
        securityGroupIds: [group.id],
      },
    },
    description: "Order status for the consumer account",
    path: "status",
    handler: {
      functionName: "order-status",
      invokeArn: `arn:aws:apigateway:${regions.primary}:lambda:path/2015-03-31/functions/${handlerArn}/invocations`,
    },
    integrationTimeoutMs: 5000,
    accessLogGroupName: "/shop/status/access",
    throttle: { rateLimit: 10, burstLimit: 20 },
  });
}

export const endpointId = events?.endpointId;
export const busArns = events?.busArns;
export const accessPointArn = documents?.accessPoint?.arn;
export const bucketNames = documents?.bucketNames;
export const statusUrl = status?.url;
export const statusEndpoint = status?.vpcEndpointId;
