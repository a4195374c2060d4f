import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  DeleteCertificateCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
} from "@aws-sdk/client-iot";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { IssuedCertificate, ProbeIotPort, SecretWriterPort } from "./provision";

/** IoT Core over the AWS SDK, in the function's own account and region. */
export class ProbeIot implements ProbeIotPort {
  constructor(private readonly client = new IoTClient({ retryMode: "adaptive" })) {}

  async createKeysAndCertificate(): Promise<IssuedCertificate> {
    const out = await this.client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    const { certificateArn, certificateId, certificatePem } = out;
    const privateKey = out.keyPair?.PrivateKey;
    if (!certificateArn || !certificateId || !certificatePem || !privateKey) {
      throw new Error("CreateKeysAndCertificate returned no certificate or no key");
    }
    return { certificateArn, certificateId, certificatePem, privateKey };
  }

  async attachPolicy(policyName: string, certificateArn: string): Promise<void> {
    await this.client.send(new AttachPolicyCommand({ policyName, target: certificateArn }));
  }

  async attachThingPrincipal(thingName: string, certificateArn: string): Promise<void> {
    await this.client.send(
      new AttachThingPrincipalCommand({ thingName, principal: certificateArn }),
    );
  }

  async thingPrincipals(thingName: string): Promise<string[]> {
    const principals: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(new ListThingPrincipalsCommand({ thingName, nextToken }));
      principals.push(...(out.principals ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return principals;
  }

  async detachThingPrincipal(thingName: string, certificateArn: string): Promise<void> {
    await this.client.send(
      new DetachThingPrincipalCommand({ thingName, principal: certificateArn }),
    );
  }

  async detachPolicy(policyName: string, certificateArn: string): Promise<void> {
    await this.client.send(new DetachPolicyCommand({ policyName, target: certificateArn }));
  }

  async deactivateCertificate(certificateId: string): Promise<void> {
    await this.client.send(new UpdateCertificateCommand({ certificateId, newStatus: "INACTIVE" }));
  }

  async deleteCertificate(certificateId: string): Promise<void> {
    await this.client.send(new DeleteCertificateCommand({ certificateId }));
  }
}

/** Secrets Manager PutSecretValue: a new AWSCURRENT version. */
export class SecretWriter implements SecretWriterPort {
  constructor(private readonly client = new SecretsManagerClient({ retryMode: "adaptive" })) {}

  async putSecretString(secretId: string, value: string): Promise<void> {
    await this.client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
  }
}
