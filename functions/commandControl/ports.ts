import { RegistryItem } from "../../core/registryItem";
import { RegistryWrite } from "./registryWrites";

/** A write lost a race: the registry holds a newer or conflicting item. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

/** The registry as the API needs it. */
export interface RegistryPort {
  get(pk: string): Promise<RegistryItem | undefined>;
  getMany(pks: string[]): Promise<RegistryItem[]>;
  /** All or nothing; throws {@link ConflictError} when any condition fails. */
  write(writes: RegistryWrite[]): Promise<void>;
}

/** A device as IoT Core holds it in one region. */
export interface ActualThing {
  thingTypeName: string | null;
  attributes: Record<string, string>;
  certificates: { certificateId: string; status: string }[];
}

/** A CA certificate as IoT Core holds it in one region. */
export interface RegisteredCa {
  caCertificatePem: string;
  status: string;
}

/** Reads one region's IoT registry; null when the thing (or CA) does not exist there. */
export interface IotStatusPort {
  describe(thingName: string): Promise<ActualThing | null>;
  caCertificate(caCertificateId: string): Promise<RegisteredCa | null>;
}
