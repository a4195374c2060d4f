import { StateMaker, arn, physicalName, stableHex, stableUuid } from "./naming";

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** An EC2 id as EC2 prints it: a prefix and 17 hex digits. */
const ec2Id = (prefix: string, seed: string) => `${prefix}-${stableHex(seed, 17)}`;

/**
 * Computed state of the health area's resources: EC2 network ids (resource policies name the
 * endpoint id, so it must look like `vpce-...`), the endpoint's DNS entries, REST API children,
 * and ARC's cluster endpoints and ARNs.
 */
export const HEALTH_MAKERS: Record<string, StateMaker> = {
  "aws:ec2/vpc:Vpc": (ctx, seed) => {
    const id = ec2Id("vpc", seed);
    return {
      id,
      state: {
        arn: arn(ctx, "ec2", `vpc/${id}`),
        defaultSecurityGroupId: ec2Id("sg", `${seed}/default`),
        mainRouteTableId: ec2Id("rtb", `${seed}/main`),
        ownerId: ctx.where.account,
      },
    };
  },
  "aws:ec2/subnet:Subnet": (ctx, seed) => {
    const id = ec2Id("subnet", seed);
    return { id, state: { arn: arn(ctx, "ec2", `subnet/${id}`), ownerId: ctx.where.account } };
  },
  "aws:ec2/securityGroup:SecurityGroup": (ctx, seed) => {
    const id = ec2Id("sg", seed);
    return {
      id,
      state: {
        arn: arn(ctx, "ec2", `security-group/${id}`),
        name: physicalName(ctx),
        ownerId: ctx.where.account,
      },
    };
  },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (ctx, seed) => {
    const id = ec2Id("sg", seed);
    return {
      id,
      state: {
        arn: arn(ctx, "ec2", `security-group/${id}`),
        name: "default",
        ownerId: ctx.where.account,
      },
    };
  },
  "aws:ec2/flowLog:FlowLog": (ctx, seed) => {
    const id = ec2Id("fl", seed);
    return { id, state: { arn: arn(ctx, "ec2", `vpc-flow-log/${id}`) } };
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": (ctx, seed) => {
    const id = ec2Id("vpce", seed);
    const service = text(ctx.inputs.serviceName).split(".").pop() ?? "service";
    const { region, dnsSuffix } = ctx.where;
    const zoneId = `Z${stableHex(`${region}/${service}/vpce`, 12).toUpperCase()}`;
    const dnsEntries = [
      `${id}-${stableHex(`${seed}/dns`, 8)}.${service}.${region}.vpce.${dnsSuffix}`,
      ...(ctx.inputs.privateDnsEnabled === true ? [`${service}.${region}.${dnsSuffix}`] : []),
    ].map((dnsName) => ({ dnsName, hostedZoneId: zoneId }));
    return {
      id,
      state: {
        arn: arn(ctx, "ec2", `vpc-endpoint/${id}`),
        dnsEntries,
        networkInterfaceIds: ((ctx.inputs.subnetIds as unknown[]) ?? []).map((_, i) =>
          ec2Id("eni", `${seed}/${i}`),
        ),
        ownerId: ctx.where.account,
        state: "available",
      },
    };
  },
  "aws:apigateway/resource:Resource": (ctx, seed) => ({
    id: stableHex(seed, 6),
    state: { path: `/${String(ctx.inputs.pathPart)}` },
  }),
  "aws:apigateway/deployment:Deployment": (_ctx, seed) => ({
    id: stableHex(seed, 6),
    state: { createdDate: "2026-01-01T00:00:00Z" },
  }),
  "aws:apigateway/account:Account": (ctx) => ({
    id: `api-gateway-account-${ctx.where.region}`,
    state: {},
  }),
  "aws:route53recoverycontrol/cluster:Cluster": (ctx, seed) => {
    const id = stableUuid(seed);
    // A cluster answers on five regional endpoints; the data plane is used through any of them.
    const regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2"];
    return {
      id: arn(ctx, "route53-recovery-control", `cluster/${id}`, true),
      state: {
        arn: arn(ctx, "route53-recovery-control", `cluster/${id}`, true),
        status: "DEPLOYED",
        clusterEndpoints: regions.map((region) => ({
          region,
          endpoint: `https://${stableHex(`${seed}/${region}`, 8)}.route53-recovery-cluster.${region}.amazonaws.com/v1`,
        })),
      },
    };
  },
  "aws:route53recoverycontrol/controlPanel:ControlPanel": (ctx, seed) => {
    const panel = arn(ctx, "route53-recovery-control", `controlpanel/${stableHex(seed, 32)}`, true);
    return { id: panel, state: { arn: panel, status: "DEPLOYED", routingControlCount: 0 } };
  },
  "aws:route53recoverycontrol/routingControl:RoutingControl": (ctx, seed) => {
    const panel = text(ctx.inputs.controlPanelArn);
    const control = `${panel}/routingcontrol/${stableHex(seed, 16)}`;
    return { id: control, state: { arn: control, status: "DEPLOYED" } };
  },
  "aws:route53recoverycontrol/safetyRule:SafetyRule": (ctx, seed) => {
    const panel = text(ctx.inputs.controlPanelArn);
    const rule = `${panel}/safetyrule/${stableHex(seed, 16)}`;
    return { id: rule, state: { arn: rule, status: "DEPLOYED" } };
  },
};
