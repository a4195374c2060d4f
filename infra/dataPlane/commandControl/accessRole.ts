import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { apiWrittenKeyPatterns } from "../../../core/apiWrittenKinds";
import { partitionOf } from "../../../core/arn";
import { policyDocument } from "../../../components/iam/policyDocument";
import { NAMES, namedArn } from "../../../core/names";

/** Arguments of {@link CommandControlAccessRole}. */
export interface CommandControlAccessRoleArgs {
  /** The iot-services account that owns the role. */
  iotServicesAccountId: string;
  /** Both regions: the registry's replicas and the IoT registries the API reads. */
  regions: string[];
  /** The roles in command-control that work through it: API and health handlers, per region. */
  handlerRoleArns: string[];
  /** The external id the handlers present; read from the operator's secret, kept secret. */
  externalId: pulumi.Input<string>;
}

/**
 * The role in iot-services that the command & control handlers assume. IAM is global, so one
 * stack creates it: `secondary`, which is deployed first and can still change it while the primary
 * region is down. The trust names the handler roles by ARN through `aws:PrincipalArn` on the
 * account principal, because IAM refuses a role principal that does not exist yet (the primary
 * handler's role is created later by `primary`). It may write the registry and read IoT, no more:
 * the reconcilers apply the desired state to IoT.
 */
export class CommandControlAccessRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;

  constructor(
    name: string,
    args: CommandControlAccessRoleArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super("iotdr:cc:CommandControlAccessRole", name, {}, opts);
    const commandControlAccount = parseAccountOf(args.handlerRoleArns[0]);
    const account = args.iotServicesAccountId;
    const partition = partitionOf(args.regions[0]);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: NAMES.commandControlAccessRole,
        description: "Command & control writes the device registry and reads IoT",
        maxSessionDuration: 3600,
        assumeRolePolicy: policyDocument([
          {
            sid: "CommandControlHandlersOnly",
            actions: ["sts:AssumeRole"],
            principals: { AWS: [`arn:${partition}:iam::${commandControlAccount}:root`] },
            conditions: {
              StringEquals: { "sts:ExternalId": args.externalId },
              ArnEquals: { "aws:PrincipalArn": args.handlerRoleArns },
            },
          },
        ]),
      },
      { parent: this },
    );
    const iot = (resource: string) =>
      args.regions.map((region) => namedArn("iot", region, account, resource));
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: policyDocument([
          {
            sid: "ReadRegistry",
            actions: ["dynamodb:Query", "dynamodb:ConditionCheckItem"],
            resources: args.regions.map((region) =>
              namedArn("dynamodb", region, account, `table/${NAMES.registryTable}`),
            ),
          },
          {
            // Only the keys the API owns: a CA certificate or provisioning template item written
            // here would be registered by the reconcilers in the other region. ForAllValues holds
            // vacuously on a request without the key, hence the Null check.
            // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
            sid: "WriteRegistry",
            actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            resources: args.regions.map((region) =>
              namedArn("dynamodb", region, account, `table/${NAMES.registryTable}`),
            ),
            conditions: {
              "ForAllValues:StringLike": { "dynamodb:LeadingKeys": apiWrittenKeyPatterns() },
              Null: { "dynamodb:LeadingKeys": "false" },
            },
          },
          // Thing reads are authorized against things, DescribeCertificate against certificates
          // (Service Authorization Reference, AWS IoT): each on its own type's ARNs.
          {
            // The command-control health check proves the chain: assume this role, see the table.
            sid: "HealthSeesRegistry",
            actions: ["dynamodb:DescribeTable"],
            resources: args.regions.map((region) =>
              namedArn("dynamodb", region, account, `table/${NAMES.registryTable}`),
            ),
          },
          {
            sid: "ReadIotForStatus",
            actions: [
              "iot:DescribeThing",
              "iot:ListThingPrincipals",
              "iot:ListThingGroupsForThing",
            ],
            resources: iot("thing/*"),
          },
          {
            sid: "ReadCertificatesForStatus",
            actions: ["iot:DescribeCertificate"],
            resources: iot("cert/*"),
          },
          {
            // Onboarding accepts a certificate only when its CA is registered in IoT.
            sid: "ReadCaCertificatesForOnboarding",
            actions: ["iot:DescribeCACertificate"],
            resources: iot("cacert/*"),
          },
        ]),
      },
      { parent: this },
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

function parseAccountOf(roleArn: string): string {
  const match = /^arn:[\w-]+:iam::(\d{12}):role\//.exec(roleArn);
  if (!match) throw new Error(`expected a role ARN, got ${JSON.stringify(roleArn)}`);
  return match[1];
}

/** The handler role's fixed name in a region (see NAMES.commandControlHandlerRolePrefix). */
export function handlerRoleName(region: string): string {
  return `${NAMES.commandControlHandlerRolePrefix}${region}`;
}

/** The C&C health handler role's fixed name in a region (see NAMES.commandControlHealthRolePrefix). */
export function healthRoleName(region: string): string {
  return `${NAMES.commandControlHealthRolePrefix}${region}`;
}
