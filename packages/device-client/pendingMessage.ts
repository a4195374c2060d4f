/** A QoS 1 message the broker has not acknowledged yet. */
export interface PendingMessage {
  /** Stable across resends: the consumer drops repeats by it. */
  id: string;
  topic: string;
  /** The JSON payload as sent, id included. */
  payload: Buffer;
  /** How often it was handed to a connection. */
  sends: number;
}
