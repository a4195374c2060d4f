import { X509Certificate, createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import type {
  ActualThing,
  IotStatusPort,
  RegisteredCa,
} from "../../../functions/commandControl/ports";
import type {
  AuditEntry,
  CallerIdentity,
  ServiceDeps,
} from "../../../functions/commandControl/service";

const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "commandControl");
const fixture = (file: string) => readFileSync(path.join(FIXTURES, file), "utf8");

/** A test fleet CA (public part only; its key was never kept). */
export const FLEET_CA_PEM = fixture("fleet-ca.pem");
/** IoT's id of the fleet CA: the SHA-256 of its DER. */
export const FLEET_CA_ID = createHash("sha256")
  .update(new X509Certificate(FLEET_CA_PEM).raw)
  .digest("hex");
/** A device certificate the fleet CA signed (public part only). */
export const CERTIFICATE_PEM = fixture("ca-signed-device-certificate.pem");
/** A self-signed device certificate (public part only; its key was never kept). */
export const SELF_SIGNED_CERTIFICATE_PEM = fixture("device-certificate.pem");
export const CSR_PEM = fixture("device-csr.pem");

/** The reconnect topic of the contract the tests' API enforces (the config's default). */
export const RECONNECT_TOPIC = "iot-dr/reconnect";

/** A device policy inside the fleet contract: its own client id and its own topics. */
export function ownDevicePolicy(): Record<string, unknown> {
  const iot = "arn:aws:iot:*:*";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["iot:Connect"],
        Resource: [`${iot}:client/\${iot:Connection.Thing.ThingName}`],
      },
      {
        Effect: "Allow",
        Action: ["iot:Publish", "iot:Receive"],
        Resource: [`${iot}:topic/dt/plant-7/\${iot:Connection.Thing.ThingName}/*`],
      },
      {
        Effect: "Allow",
        Action: ["iot:Subscribe"],
        Resource: [`${iot}:topicfilter/iot-dr/reconnect`],
      },
      { Effect: "Allow", Action: ["iot:Receive"], Resource: [`${iot}:topic/iot-dr/reconnect`] },
    ],
  };
}

/** A valid onboarding body that each test bends one way. */
export function validOnboard(): Record<string, unknown> {
  return {
    name: "sensor-0001",
    attributes: { site: "plant-7" },
    groups: ["plant-7", "temperature"],
    certificatePem: CERTIFICATE_PEM,
    caCertificateId: FLEET_CA_ID,
    policy: { name: "device-telemetry", document: ownDevicePolicy() },
  };
}

/** The signer API Gateway names for a SigV4 request. */
export const CALLER: CallerIdentity = {
  userArn: "arn:aws:iam::333333333333:role/fleet-operator",
  accountId: "333333333333",
  principalId: "AROAEXAMPLE:operator",
  sourceIp: "192.0.2.10",
};

/** An IoT reader of a region where the fleet CA is registered and no thing exists. */
export class IotWithFleetCa implements IotStatusPort {
  constructor(
    private readonly ca: RegisteredCa | null = { caCertificatePem: FLEET_CA_PEM, status: "ACTIVE" },
  ) {}
  describe(): Promise<ActualThing | null> {
    return Promise.resolve(null);
  }
  caCertificate(id: string): Promise<RegisteredCa | null> {
    return Promise.resolve(id === FLEET_CA_ID ? this.ca : null);
  }
}

/** The API's dependencies for a test: every region knows the fleet CA; audit entries are kept. */
export function serviceDeps(
  registry: ServiceDeps["registry"],
  overrides: Partial<ServiceDeps> = {},
): ServiceDeps & { audited: AuditEntry[] } {
  const audited: AuditEntry[] = [];
  const iot = new IotWithFleetCa();
  return {
    registry,
    iot: { "eu-west-1": iot, "eu-central-1": iot },
    region: "eu-west-1",
    clock: () => 1_800_000_000_000,
    contract: { listenOnlyTopics: [RECONNECT_TOPIC] },
    audit: (entry) => audited.push(entry),
    audited,
    ...overrides,
  };
}
