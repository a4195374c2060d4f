import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretPort } from "../iot";

/** Secrets Manager behind {@link SecretPort}. */
export class SecretsManagerSecrets implements SecretPort {
  constructor(
    private readonly client = new SecretsManagerClient({ retryMode: "adaptive", maxAttempts: 2 }),
  ) {}

  async secretString(secretId: string): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!out.SecretString) throw new Error(`secret ${secretId} has no SecretString`);
    return out.SecretString;
  }
}
