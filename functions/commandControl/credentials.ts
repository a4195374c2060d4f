import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { externalIdFromSecret } from "../../core/externalId";

/** Temporary credentials in the shape AWS SDK v3 clients accept. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Renew this long before the session expires, so no call runs on expiring credentials. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

export interface AccessRoleSettings {
  roleArn: string;
  /** The command-control secret that holds the external id (read once per cold start). */
  externalIdSecret: string;
  sessionName: string;
}

/**
 * The port to the iot-services access role: reads the external id from Secrets Manager, assumes
 * the role with it, and caches the session until shortly before it expires.
 */
export class AccessRoleCredentials {
  private externalId?: Promise<string>;
  private session?: { credentials: AwsCredentialIdentity; expiresAt: number };

  constructor(
    private readonly settings: AccessRoleSettings,
    private readonly sts: STSClient,
    private readonly secrets: SecretsManagerClient,
    private readonly clock: () => number = Date.now,
  ) {}

  /** An AWS SDK credential provider. */
  readonly provider = (): Promise<AwsCredentialIdentity> => this.get();

  async get(): Promise<AwsCredentialIdentity> {
    if (this.session && this.session.expiresAt - RENEW_BEFORE_MS > this.clock()) {
      return this.session.credentials;
    }
    this.externalId ??= this.readExternalId().catch((error: unknown) => {
      this.externalId = undefined;
      throw error;
    });
    const result = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.settings.roleArn,
        RoleSessionName: this.settings.sessionName.slice(0, 64),
        ExternalId: await this.externalId,
        DurationSeconds: 3600,
      }),
    );
    const c = result.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error(`AssumeRole ${this.settings.roleArn} returned no credentials`);
    }
    const credentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    this.session = { credentials, expiresAt: c.Expiration.getTime() };
    return credentials;
  }

  private async readExternalId(): Promise<string> {
    const result = await this.secrets.send(
      new GetSecretValueCommand({ SecretId: this.settings.externalIdSecret }),
    );
    return externalIdFromSecret(result.SecretString, this.settings.externalIdSecret);
  }
}
