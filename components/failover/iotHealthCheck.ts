import * as pulumi from "@pulumi/pulumi";
import { dnsSuffixOf } from "../../core/arn";
import { namedArn } from "../../core/names";
import { Statement } from "../iam/policyDocument";
import { IotPlaneNames, iotPlaneNames } from "../iotPlane/names";

/** Where the `iot` check of a health API finds the plane's probe in one region. */
export interface IotHealthCheckArgs {
  region: string;
  /** The IoT account, where the plane's probe thing and its secret live. */
  accountId: string;
  /** The region's `iot:Data-ATS` endpoint: where the probe connects. */
  iotEndpoint: pulumi.Input<string>;
  /** The plane's KMS key in the region, which encrypts the probe's secret. */
  probeSecretKeyArn: pulumi.Input<string>;
  /**
   * The probe's names of the plane checked (its `names`), default the default plane's: a copy
   * with another `namePrefix` has its own probe secret and topics.
   */
  probe?: Pick<IotPlaneNames, "probeSecret" | "probeThing" | "probeTopic" | "probeRulesTopic">;
}

/** What one check adds to a health API: its name, the handler's reads and its environment. */
export interface HealthCheckSpec {
  checks: string[];
  statements: Statement[];
  environment: Record<string, pulumi.Input<string>>;
}

/**
 * The `iot` check of the health handler (functions/health/iot.ts): it connects as the
 * {@link ReplicatedIotPlane}'s probe thing and waits for the broker's echo and the probe rule's copy,
 * so it may read only the probe's secret, and decrypt it only through Secrets Manager.
 */
export function iotHealthCheck(args: IotHealthCheckArgs): HealthCheckSpec {
  const probe = args.probe ?? iotPlaneNames();
  // Secrets Manager appends six random characters to a secret's ARN.
  const secretArn = namedArn(
    "secretsmanager",
    args.region,
    args.accountId,
    `secret:${probe.probeSecret}-??????`,
  );
  return {
    checks: ["iot"],
    statements: [
      {
        sid: "ReadProbeCertificate",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [secretArn],
      },
      {
        // The secret is encrypted with the IoT plane's customer managed key: Secrets Manager
        // decrypts it as the caller, who needs kms:Decrypt on that key, here only through
        // Secrets Manager (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
        // The key policy lets this account's IAM grant it (its root statement).
        sid: "DecryptProbeCertificate",
        actions: ["kms:Decrypt"],
        resources: [args.probeSecretKeyArn],
        conditions: {
          StringEquals: {
            "kms:ViaService": `secretsmanager.${args.region}.${dnsSuffixOf(args.region)}`,
          },
        },
      },
    ],
    environment: {
      IOT_ENDPOINT: args.iotEndpoint,
      PROBE_SECRET_ID: probe.probeSecret,
      PROBE_CLIENT_ID: probe.probeThing,
      PROBE_TOPIC: probe.probeTopic,
      PROBE_RULES_TOPIC: probe.probeRulesTopic,
    },
  };
}
