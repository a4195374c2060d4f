import { Checkpoint } from "./checkpoints";

export interface EventBusPort {
  /** Throws when the bus does not exist or cannot be described. */
  describeBus(name: string): Promise<void>;
}

export interface StreamPort {
  /** The stream's status (CREATING, DELETING, ACTIVE, UPDATING). */
  streamStatus(name: string): Promise<string>;
}

/** Kinesis accepts reads and writes while ACTIVE or UPDATING (resharding). */
const SERVING_STREAM = new Set(["ACTIVE", "UPDATING"]);

/** Analytics is healthy when the telemetry bus exists and its stream takes records. */
export function analyticsCheckpoints(
  settings: { busName: string; streamName: string },
  ports: { buses: EventBusPort; streams: StreamPort },
): Checkpoint[] {
  return [
    { name: "telemetry-bus", run: () => ports.buses.describeBus(settings.busName) },
    {
      name: "analytics-stream",
      run: async () => {
        const status = await ports.streams.streamStatus(settings.streamName);
        if (!SERVING_STREAM.has(status)) {
          throw new Error(`stream ${settings.streamName} is ${status}`);
        }
      },
    },
  ];
}
