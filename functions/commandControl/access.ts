/** The AWS calls of the command & control API router (see functions/shared/access.ts). */
import type { AccessDeclaration, DeclaredCall } from "../shared/access";

const ACCESS_ROLE = "{env.ACCESS_ROLE_ARN}";
/** The registry is in iot-services, the account of the access role. */
const REGISTRY =
  "arn:{partition}:dynamodb:{region}:{accountOf:{env.ACCESS_ROLE_ARN}}:table/{env.REGISTRY_TABLE}";
const IOT = "arn:{partition}:iot:{region}:{accountOf:{env.ACCESS_ROLE_ARN}}";

const asAccessRole = (action: string, resource: string, regions?: string[]): DeclaredCall => ({
  action,
  resource,
  as: ACCESS_ROLE,
  ...(regions ? { regions } : {}),
});

export const COMMAND_CONTROL_ACCESS: AccessDeclaration = {
  runsAs: { lambda: "commandControl" },
  calls: [
    {
      action: "secretsmanager:GetSecretValue",
      // Secrets Manager appends six random characters to the name in the ARN.
      resource:
        "arn:{partition}:secretsmanager:{region}:{account}:secret:{env.EXTERNAL_ID_SECRET}-<secretSuffix>",
      why: "the external id of the access role's trust",
    },
    {
      action: "sts:AssumeRole",
      resource: ACCESS_ROLE,
      externalIdSecret: "{env.EXTERNAL_ID_SECRET}",
    },
    // Transactions are authorized per item: a Put as dynamodb:PutItem
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
    // A key's rows, one per region (docs/convergence.md, rule 1); a ConditionCheck of the row
    // of another region that a suspension read.
    asAccessRole("dynamodb:Query", REGISTRY),
    asAccessRole("dynamodb:ConditionCheckItem", REGISTRY),
    // Every item the API puts is keyed `<kind>#...` of a kind it owns (core/apiWrittenKinds.ts).
    {
      ...asAccessRole("dynamodb:PutItem", REGISTRY),
      context: { "dynamodb:LeadingKeys": "thing#<thingName>" },
    },
    // GET /devices/{name} compares the desired device with IoT in every region.
    asAccessRole("iot:DescribeThing", `${IOT}:thing/<thingName>`, ["{env.REGIONS[,]}"]),
    asAccessRole("iot:ListThingPrincipals", `${IOT}:thing/<thingName>`, ["{env.REGIONS[,]}"]),
    asAccessRole("iot:DescribeCertificate", `${IOT}:cert/<certificateId>`, ["{env.REGIONS[,]}"]),
    // POST /devices with a certificate: its CA must be registered in the API's own region.
    asAccessRole("iot:DescribeCACertificate", `${IOT}:cacert/<caCertificateId>`),
  ],
};
