import { IoTClient, SearchIndexCommand } from "@aws-sdk/client-iot";
import {
  DeleteConnectionCommand,
  IoTDataPlaneClient,
  PublishCommand,
} from "@aws-sdk/client-iot-data-plane";

/** The IoT calls the reconnect function makes, in iot-services, in the region being left. */
export interface DevicesPort {
  publish(endpoint: string, topic: string, payload: string): Promise<void>;
  /** Client ids of things fleet indexing reports as connected in `region`. */
  connectedClients(region: string): Promise<string[]>;
  disconnect(endpoint: string, clientId: string): Promise<void>;
}

const clientsByEndpoint = new Map<string, IoTDataPlaneClient>();

function dataClient(endpoint: string, region: string): IoTDataPlaneClient {
  let client = clientsByEndpoint.get(endpoint);
  if (!client) {
    client = new IoTDataPlaneClient({
      endpoint: `https://${endpoint}`,
      region,
      retryMode: "adaptive",
    });
    clientsByEndpoint.set(endpoint, client);
  }
  return client;
}

/** The region of an ATS endpoint host `<prefix>-ats.iot.<region>.<suffix>`. */
export function regionOfEndpoint(endpoint: string): string {
  const match = /\.iot\.([a-z0-9-]+)\./.exec(endpoint);
  if (!match)
    throw new Error(`expected an IoT data endpoint host, got ${JSON.stringify(endpoint)}`);
  return match[1];
}

/** IoT Core over the AWS SDK; SearchIndex needs fleet indexing with connectivity on. */
export class IotDevices implements DevicesPort {
  async publish(endpoint: string, topic: string, payload: string): Promise<void> {
    await dataClient(endpoint, regionOfEndpoint(endpoint)).send(
      new PublishCommand({ topic, qos: 1, payload: Buffer.from(payload) }),
    );
  }

  async connectedClients(region: string): Promise<string[]> {
    const client = new IoTClient({ region, retryMode: "adaptive" });
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new SearchIndexCommand({
          indexName: "AWS_Things",
          queryString: "connectivity.connected:true",
          maxResults: 500,
          nextToken,
        }),
      );
      for (const thing of page.things ?? []) if (thing.thingName) names.push(thing.thingName);
      nextToken = page.nextToken;
    } while (nextToken);
    return names;
  }

  async disconnect(endpoint: string, clientId: string): Promise<void> {
    // The session is kept (cleanSession false): the device may come back to this region on
    // fail-back. No Last Will: this disconnect is planned, not a device failure.
    await dataClient(endpoint, regionOfEndpoint(endpoint)).send(
      new DeleteConnectionCommand({ clientId, cleanSession: false, preventWillMessage: true }),
    );
  }
}
