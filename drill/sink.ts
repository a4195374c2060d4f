import { Deduper, messageIdOf } from "@iot-dr/device-client";
import type { Received } from "./region";

/**
 * The analytics side of both regions (one bus behind the EventBridge global endpoint): every
 * telemetry message as delivered, counted per id before the dedupe helper drops repeats.
 */
export class AnalyticsSink {
  private readonly counts = new Map<string, number>();
  private readonly perDevice = new Map<string, { region: string; at: number }[]>();
  private readonly dedupe = new Deduper();
  /** When each repeat arrived (second and later copies of an id). */
  public readonly duplicates: { at: number; id: string }[] = [];
  public dropped = 0;
  public withoutId = 0;

  constructor(private readonly idField: string) {}

  receive(message: Received): void {
    const id = messageIdOf(message.payload, this.idField);
    if (!id) {
      this.withoutId += 1;
      return;
    }
    const count = (this.counts.get(id) ?? 0) + 1;
    this.counts.set(id, count);
    if (count > 1) this.duplicates.push({ at: message.at, id });
    if (!this.dedupe.firstSeen(id)) this.dropped += 1;
    let list = this.perDevice.get(message.clientId);
    if (!list) this.perDevice.set(message.clientId, (list = []));
    list.push({ region: message.region, at: message.at });
  }

  has(id: string): boolean {
    return this.counts.has(id);
  }

  /** When `clientId` was first heard in `region` at or after `since`, if it was. */
  firstIn(clientId: string, region: string, since: number): number | undefined {
    return this.perDevice.get(clientId)?.find((r) => r.region === region && r.at >= since)?.at;
  }
}
