import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { AssumedCredentials, StsPort } from "../commandControl";

/** STS AssumeRole behind {@link StsPort}; short sessions, the probe needs seconds. */
export class StsRoles implements StsPort {
  constructor(private readonly client = new STSClient({ retryMode: "adaptive", maxAttempts: 2 })) {}

  async assumeRole(
    roleArn: string,
    externalId: string,
    sessionName: string,
  ): Promise<AssumedCredentials> {
    const out = await this.client.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        ExternalId: externalId,
        RoleSessionName: sessionName,
        DurationSeconds: 900,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    };
  }
}
