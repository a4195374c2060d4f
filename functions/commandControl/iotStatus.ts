import {
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-iot";
import { ActualThing, IotStatusPort, RegisteredCa } from "./ports";

/** Reads a device from one region's IoT Core with the access role's credentials. */
export class IotStatus implements IotStatusPort {
  constructor(private readonly client: IoTClient) {}

  async describe(thingName: string): Promise<ActualThing | null> {
    let thing;
    try {
      thing = await this.client.send(new DescribeThingCommand({ thingName }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return null;
      throw error;
    }
    const principals = await this.client.send(new ListThingPrincipalsCommand({ thingName }));
    const certificates = await Promise.all(
      (principals.principals ?? [])
        .filter((arn) => arn.includes(":cert/"))
        .map(async (arn) => {
          // The id is the ARN's last segment: parsed, not replaced, so any region's ARN works.
          const certificateId = arn.slice(arn.lastIndexOf("/") + 1);
          const described = await this.client.send(
            new DescribeCertificateCommand({ certificateId }),
          );
          return { certificateId, status: described.certificateDescription?.status ?? "UNKNOWN" };
        }),
    );
    return {
      thingTypeName: thing.thingTypeName ?? null,
      attributes: thing.attributes ?? {},
      certificates,
    };
  }

  async caCertificate(certificateId: string): Promise<RegisteredCa | null> {
    try {
      const described = await this.client.send(new DescribeCACertificateCommand({ certificateId }));
      const ca = described.certificateDescription;
      if (!ca?.certificatePem) return null;
      return { caCertificatePem: ca.certificatePem, status: ca.status ?? "UNKNOWN" };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return null;
      throw error;
    }
  }
}
