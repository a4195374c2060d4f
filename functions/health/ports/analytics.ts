import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { EventBusPort, StreamPort } from "../analytics";

/** EventBridge DescribeEventBus behind {@link EventBusPort}. */
export class EventBridgeBuses implements EventBusPort {
  constructor(
    private readonly client = new EventBridgeClient({ retryMode: "adaptive", maxAttempts: 2 }),
  ) {}

  async describeBus(name: string): Promise<void> {
    await this.client.send(new DescribeEventBusCommand({ Name: name }));
  }
}

/** Kinesis DescribeStreamSummary behind {@link StreamPort}. */
export class KinesisStreams implements StreamPort {
  constructor(
    private readonly client = new KinesisClient({ retryMode: "adaptive", maxAttempts: 2 }),
  ) {}

  async streamStatus(name: string): Promise<string> {
    const out = await this.client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return out.StreamDescriptionSummary?.StreamStatus ?? "UNKNOWN";
  }
}
