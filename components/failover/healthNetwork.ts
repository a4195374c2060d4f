import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../iam/policyDocument";
import { VpcFlowLogs } from "./vpcFlowLogs";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link HealthNetwork}. */
export interface HealthNetworkArgs {
  /** The region, for the endpoint service names. */
  region: string;
  /** The VPC's CIDR: private, not overlapping anything it may be peered with later. */
  cidrBlock?: string;
  /** Private subnets, one per availability zone. */
  zones?: number;
  /** The flow log group's name, one per region of the account (failover/names.ts). */
  flowLogGroup: string;
}

/** What may pass the interface endpoints: see {@link HealthNetwork.restrictEndpoints}. */
export interface EndpointUse {
  /** The `execute-api` endpoint the first health API made in this VPC (CrossAccountPrivateApi). */
  executeApiEndpointId: pulumi.Input<string>;
  /** `arn:...:execute-api:<region>:<account>:<api>/<stage>/GET/health` of each health API. */
  healthInvokeArns: pulumi.Input<string>[];
  /** The aggregator's role, the only caller of PutMetricData here. */
  metricPublisherRoleArn: pulumi.Input<string>;
  metricNamespace: string;
}

/**
 * The aggregator's private network: a VPC with private subnets only and an interface endpoint for
 * `monitoring` (PutMetricData without a NAT gateway). The `execute-api` endpoint (private DNS on, so
 * the private health APIs' default host names resolve to it) is the consumer side of the first
 * health API's CrossAccountPrivateApi, made in this VPC with {@link endpointSecurityGroup}.
 *
 * Plain EC2 resources rather than awsx v3: awsx components are remote and register as ONE resource
 * under the offline plan's mocks, so neither the plan nor the tests would see or check the subnets,
 * the security group or the endpoint whose id the health APIs' resource policies must name. Nothing
 * here needs awsx's NAT or public subnets either.
 */
export class HealthNetwork extends pulumi.ComponentResource {
  public readonly vpc: aws.ec2.Vpc;
  public readonly subnets: aws.ec2.Subnet[];
  /** Guards the endpoints: HTTPS from inside the VPC, nothing else. */
  public readonly endpointSecurityGroup: aws.ec2.SecurityGroup;
  /** For functions in the VPC: HTTPS out to the VPC (the endpoints), nothing else. */
  public readonly clientSecurityGroup: aws.ec2.SecurityGroup;
  public readonly monitoringEndpoint: aws.ec2.VpcEndpoint;

  /** Children are named from it, also those {@link restrictEndpoints} adds later. */
  private readonly baseName: string;

  constructor(name: string, args: HealthNetworkArgs, opts: pulumi.ComponentResourceOptions) {
    super(
      "iot-dr:health:HealthNetwork",
      name,
      {},
      componentOptions("iot-dr:health:HealthNetwork", opts),
    );
    this.baseName = name;
    const parent = { parent: this };
    const cidrBlock = args.cidrBlock ?? "10.80.0.0/24";

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      // Both DNS settings are required for an interface endpoint's private DNS.
      { cidrBlock, enableDnsSupport: true, enableDnsHostnames: true },
      parent,
    );
    // Adopted with no rules: AWS's default group allows all traffic among its members and all
    // egress, and anything launched without a group would get it. The provider removes every rule
    // of the group it adopts and adds only those given: none
    // (https://www.pulumi.com/registry/packages/aws/api-docs/ec2/defaultsecuritygroup/).
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: this.vpc.id }, parent);
    new VpcFlowLogs(
      `${name}-flow-logs`,
      { vpcId: this.vpc.id, region: args.region, logGroupName: args.flowLogGroup },
      parent,
    );
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, parent);
    const count = args.zones ?? 2;
    this.subnets = Array.from({ length: count }, (_, i) => {
      return new aws.ec2.Subnet(
        `${name}-private-${i}`,
        {
          vpcId: this.vpc.id,
          // /24 split in four /26: room for the endpoints' and the function's interfaces.
          cidrBlock: subnetCidr(cidrBlock, i),
          availabilityZone: zones.names[i],
          mapPublicIpOnLaunch: false,
        },
        parent,
      );
    });
    this.endpointSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      {
        vpcId: this.vpc.id,
        description: "Interface endpoints: HTTPS from this VPC only",
        ingress: [
          {
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [cidrBlock],
            description: "HTTPS from the VPC",
          },
        ],
        egress: [],
      },
      parent,
    );
    this.clientSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-clients`,
      {
        vpcId: this.vpc.id,
        description: "Functions in the VPC: HTTPS to the VPC's endpoints only",
        ingress: [],
        egress: [
          {
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [cidrBlock],
            description: "HTTPS to the endpoints",
          },
        ],
      },
      parent,
    );
    this.monitoringEndpoint = new aws.ec2.VpcEndpoint(
      `${name}-monitoring`,
      {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${args.region}.monitoring`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.subnets.map((s) => s.id),
        securityGroupIds: [this.endpointSecurityGroup.id],
      },
      parent,
    );
    this.registerOutputs({ vpcId: this.vpc.id });
  }

  /**
   * Least-privilege endpoint policies, instead of the default full access: the execute-api
   * endpoint carries only `GET /health` of the given APIs, the monitoring endpoint only the
   * aggregator's PutMetricData in its namespace. Separate `VpcEndpointPolicy` resources, because
   * the health APIs name this endpoint in their own resource policies, so they exist only after it.
   */
  restrictEndpoints(use: EndpointUse): void {
    const parent = { parent: this };
    new aws.ec2.VpcEndpointPolicy(
      `${this.baseName}-execute-api-policy`,
      {
        vpcEndpointId: use.executeApiEndpointId,
        policy: policyDocument([
          {
            sid: "InvokeHealthApisOnly",
            actions: ["execute-api:Invoke"],
            // The aggregator calls unsigned (the APIs authorize by aws:SourceVpce), and API
            // Gateway evaluates an endpoint policy for a request without an Authorization header
            // as an anonymous caller, so the principal must be "*" (API Gateway developer guide,
            // "Use VPC endpoint policies for private APIs"). Callers outside this VPC that reach
            // the endpoint over peering or a VPN are refused by the source VPC.
            principals: { AWS: ["*"] },
            resources: use.healthInvokeArns,
            conditions: { StringEquals: { "aws:SourceVpc": this.vpc.id } },
          },
        ]),
      },
      parent,
    );
    new aws.ec2.VpcEndpointPolicy(
      `${this.baseName}-monitoring-policy`,
      {
        vpcEndpointId: this.monitoringEndpoint.id,
        policy: policyDocument([
          {
            sid: "AggregatorPublishesHealthOnly",
            actions: ["cloudwatch:PutMetricData"],
            principals: { AWS: [use.metricPublisherRoleArn] },
            // PutMetricData has no resource type; the namespace condition is its scope.
            resources: ["*"],
            conditions: { StringEquals: { "cloudwatch:namespace": use.metricNamespace } },
          },
        ]),
      },
      parent,
    );
  }
}

/** The i-th /26 of a /24 (or the i-th quarter of any block up to /28). */
export function subnetCidr(cidrBlock: string, index: number): string {
  const [address, bits] = cidrBlock.split("/");
  const prefix = Number(bits);
  if (!(prefix >= 16 && prefix <= 26) || index < 0 || index > 3) {
    throw new Error(
      `expected a /16-/26 VPC CIDR and a subnet index 0-3, got ${cidrBlock} #${index}`,
    );
  }
  const octets = address.split(".").map(Number);
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - prefix - 2);
  const start = base + index * size;
  return `${[24, 16, 8, 0].map((shift) => (start >>> shift) & 255).join(".")}/${prefix + 2}`;
}
