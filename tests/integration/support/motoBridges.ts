/**
 * Where moto 5.2.1 answers differently from AWS in a way the functions rely on, the harness makes
 * the client see AWS's answer. Each bridge cites the behaviour it restores.
 */
import {
  type CertificateDescription,
  DescribeThingCommand,
  IoTClient,
  ListCertificatesByCACommand,
} from "@aws-sdk/client-iot";
import { sameJson } from "../../../core/stableJson";

/**
 * CreateThing: "If this call is made multiple times using the same thing name and configuration,
 * the call will succeed. If this call is made with the same thing name but different configuration
 * a ResourceAlreadyExistsException is thrown." (AWS IoT API Reference, CreateThing). moto replaces
 * the existing thing instead, which silently drops its shadows.
 */
export function refuseConflictingCreateThing(client: IoTClient, observer: IoTClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName === "CreateThingCommand") {
        const input = args.input as {
          thingName: string;
          thingTypeName?: string;
          attributePayload?: { attributes?: Record<string, string> };
        };
        const existing = await observer
          .send(new DescribeThingCommand({ thingName: input.thingName }))
          .catch(() => undefined);
        if (
          existing &&
          ((existing.thingTypeName ?? null) !== (input.thingTypeName ?? null) ||
            !sameJson(existing.attributes ?? {}, input.attributePayload?.attributes ?? {}))
        ) {
          const error = new Error(
            `thing ${input.thingName} already exists with another configuration`,
          );
          error.name = "ResourceAlreadyExistsException";
          throw error;
        }
      }
      return next(args);
    },
    { step: "initialize", priority: "low", name: "refuseConflictingCreateThing" },
  );
}

/**
 * DescribeCertificate: a certificate registered with a CA names it in `caCertificateId` ("The
 * certificate ID of the CA certificate used to sign this certificate", CertificateDescription, AWS
 * IoT API Reference). moto 5.2.1 links the two (ListCertificatesByCA answers) but leaves the field
 * out of DescribeCertificate, and has no ListCACertificates: the bridge remembers the CAs registered
 * through the clients it watches and asks ListCertificatesByCA which one signed the certificate.
 */
export class CaCertificateBridge {
  private readonly cas = new Set<string>();

  constructor(private readonly observer: IoTClient) {}

  /** Remembers the CAs registered through `client`. */
  watch(client: IoTClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const command = (context as { commandName?: string }).commandName;
        if (command === "RegisterCACertificateCommand") {
          const id = (result.output as { certificateId?: string }).certificateId;
          if (id) this.cas.add(id);
        }
        if (command === "DeleteCACertificateCommand") {
          this.cas.delete((args.input as { certificateId: string }).certificateId);
        }
        return result;
      },
      { step: "initialize", priority: "low", name: "watchCaCertificates" },
    );
  }

  /** Adds `caCertificateId` to the DescribeCertificate answers `client` gets. */
  fill(client: IoTClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if ((context as { commandName?: string }).commandName !== "DescribeCertificateCommand") {
          return result;
        }
        const description = (result.output as { certificateDescription?: CertificateDescription })
          .certificateDescription;
        if (!description?.certificateId || description.caCertificateId) return result;
        for (const caCertificateId of this.cas) {
          const listed = await this.observer
            .send(new ListCertificatesByCACommand({ caCertificateId }))
            .catch(() => undefined);
          if (listed?.certificates?.some((c) => c.certificateId === description.certificateId)) {
            description.caCertificateId = caCertificateId;
            break;
          }
        }
        return result;
      },
      { step: "initialize", priority: "low", name: "fillCaCertificateId" },
    );
  }

  /**
   * The sweep's listings of fleet objects (sweep.ts): moto 5.2.1 has neither ListCACertificates nor
   * provisioning templates. ListCACertificates answers the CAs registered through the watched
   * clients, in one page; ListProvisioningTemplates answers none (moto cannot hold one).
   */
  list(client: IoTClient): void {
    client.middlewareStack.add(
      (next, context) => (args) => {
        const command = (context as { commandName?: string }).commandName;
        if (command === "ListCACertificatesCommand") {
          const certificates = [...this.cas].map((certificateId) => ({ certificateId }));
          return Promise.resolve({ output: { certificates, $metadata: {} }, response: {} });
        }
        if (command === "ListProvisioningTemplatesCommand") {
          return Promise.resolve({ output: { templates: [], $metadata: {} }, response: {} });
        }
        return next(args);
      },
      { step: "initialize", priority: "high", name: "listFleetObjects" },
    );
  }
}
