import { DescribeEndpointCommand, IoTClient, SearchIndexCommand } from "@aws-sdk/client-iot";
import {
  DeleteConnectionCommand,
  IoTDataPlaneClient,
  PublishCommand,
} from "@aws-sdk/client-iot-data-plane";

/** The IoT calls the reconnect function makes, in iot-services, in the region being left. */
export interface DevicesPort {
  publish(region: string, topic: string, payload: string): Promise<void>;
  /** Client ids of things fleet indexing reports as connected in `region`. */
  connectedClients(region: string): Promise<string[]>;
  disconnect(region: string, clientId: string): Promise<void>;
}

/**
 * IoT Core over the AWS SDK, in any region from wherever the function runs. The account's ATS
 * data endpoint is looked up at run time (DescribeEndpoint), so the primary stack needs no
 * provider in the secondary region; SearchIndex needs fleet indexing with connectivity on.
 */
export class IotDevices implements DevicesPort {
  private readonly dataClients = new Map<string, Promise<IoTDataPlaneClient>>();

  constructor(
    private readonly control: (region: string) => IoTClient = (region) =>
      new IoTClient({ region, retryMode: "adaptive" }),
  ) {}

  private data(region: string): Promise<IoTDataPlaneClient> {
    let client = this.dataClients.get(region);
    if (!client) {
      client = this.control(region)
        .send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }))
        .then(({ endpointAddress }) => {
          if (!endpointAddress) throw new Error(`no IoT data endpoint in ${region}`);
          return new IoTDataPlaneClient({
            endpoint: `https://${endpointAddress}`,
            region,
            retryMode: "adaptive",
          });
        });
      // A failed lookup is retried on the next call instead of being cached.
      client.catch(() => this.dataClients.delete(region));
      this.dataClients.set(region, client);
    }
    return client;
  }

  async publish(region: string, topic: string, payload: string): Promise<void> {
    const client = await this.data(region);
    await client.send(new PublishCommand({ topic, qos: 1, payload: Buffer.from(payload) }));
  }

  async connectedClients(region: string): Promise<string[]> {
    const client = this.control(region);
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

  async disconnect(region: string, clientId: string): Promise<void> {
    // The session is kept (cleanSession false): the device may come back to this region on
    // fail-back. No Last Will: this disconnect is planned, not a device failure.
    const client = await this.data(region);
    await client.send(
      new DeleteConnectionCommand({ clientId, cleanSession: false, preventWillMessage: true }),
    );
  }
}
