import { TablePort, expectServingTable } from "./app";
import { Checkpoint } from "./checkpoints";
import { SecretPort } from "./iot";
import { externalIdFromSecret } from "../../core/externalId";

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface StsPort {
  assumeRole(roleArn: string, externalId: string, sessionName: string): Promise<AssumedCredentials>;
}

export interface CommandControlSettings {
  /** The iot-services role command & control works through. */
  accessRoleArn: string;
  /** Secret holding the external id of that role's trust. */
  externalIdSecretId: string;
  /** The registry table in iot-services, read with the assumed role. */
  registryTableName: string;
}

/**
 * Command & control works only if it can reach iot-services: read its external id, assume the
 * access role, and read the registry with those credentials. One checkpoint per step, so the
 * 503 body says which link broke; a later step is reported as skipped, not as a second failure.
 */
export function commandControlCheckpoints(
  settings: CommandControlSettings,
  ports: {
    secrets: SecretPort;
    sts: StsPort;
    /** Tables read with the given credentials. */
    tablesAs: (credentials: AssumedCredentials) => TablePort;
  },
): Checkpoint[] {
  const session = (async () => {
    const externalId = externalIdFromSecret(
      await ports.secrets.secretString(settings.externalIdSecretId),
      settings.externalIdSecretId,
    );
    return ports.sts.assumeRole(settings.accessRoleArn, externalId, "iot-dr-health");
  })();
  // Each checkpoint reports its own failure; the shared promise must not reject unobserved.
  session.catch(() => undefined);
  return [
    { name: "assume-iot-services-role", run: async () => void (await session) },
    {
      name: "registry-table",
      run: async () => {
        const credentials = await session.catch(() => {
          throw new Error("skipped: the iot-services role could not be assumed");
        });
        await expectServingTable(ports.tablesAs(credentials), settings.registryTableName);
      },
    },
  ];
}
