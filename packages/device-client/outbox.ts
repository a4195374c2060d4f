import { randomUUID } from "node:crypto";
import { type OutboxCompaction, OutboxFile } from "./outboxFile";
import type { PendingMessage } from "./pendingMessage";

export type { PendingMessage };

/** What `publish` resolves with once the broker acknowledged the message. */
export interface Acknowledged {
  id: string;
  sends: number;
}

interface Entry extends PendingMessage {
  resolve: (ack: Acknowledged) => void;
  reject: (error: Error) => void;
}

/** Raised when the outbox is full: the device should slow down or persist elsewhere. */
export class OutboxFullError extends Error {
  constructor(max: number) {
    super(`the outbox holds ${max} unacknowledged messages (option "maxOutbox"); retry later`);
    this.name = "OutboxFullError";
  }
}

/**
 * Messages kept until PUBACK, in publish order. A fail-over loses nothing the device was told is
 * delivered, and what was in flight is sent again with the same id.
 */
export class Outbox {
  private readonly entries = new Map<string, Entry>();
  private readonly store?: OutboxFile;

  /**
   * With `file`, the outbox survives a restart: messages an earlier run left unacknowledged are
   * loaded (and sent again on the next connection), and every add and ack is on disk before
   * `publish` sees it.
   */
  constructor(
    private readonly max: number,
    private readonly idField: string,
    file?: string,
    compaction?: OutboxCompaction,
  ) {
    if (!file) return;
    this.store = new OutboxFile(file, idField, compaction);
    for (const message of this.store.load()) {
      // Nobody of this run waits for these: their acknowledgement only removes them.
      this.entries.set(message.id, {
        ...message,
        resolve: () => undefined,
        reject: () => undefined,
      });
    }
  }

  /** Adds a message; its id is `message[idField]` if set, else a new UUID written there. */
  add(
    topic: string,
    message: Record<string, unknown>,
  ): { entry: PendingMessage; acked: Promise<Acknowledged> } {
    if (this.entries.size >= this.max) throw new OutboxFullError(this.max);
    const given = message[this.idField];
    if (given !== undefined && (typeof given !== "string" || given.length === 0)) {
      throw new TypeError(
        `message field "${this.idField}": expected a non-empty string id, got ${JSON.stringify(given)}`,
      );
    }
    const id = given ?? randomUUID();
    if (this.entries.has(id)) {
      throw new Error(`message id ${id} is already waiting for its acknowledgement`);
    }
    const payload = Buffer.from(JSON.stringify({ ...message, [this.idField]: id }));
    let resolve!: (ack: Acknowledged) => void;
    let reject!: (error: Error) => void;
    const acked = new Promise<Acknowledged>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry: Entry = { id, topic, payload, sends: 0, resolve, reject };
    this.store?.add(entry);
    this.entries.set(id, entry);
    return { entry, acked };
  }

  /** The broker acknowledged `id`: forget it and settle its publish. Repeats are ignored. */
  ack(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    // On disk first: a crash after the caller heard "acknowledged" must not resend it.
    this.store?.ack(id);
    this.entries.delete(id);
    entry.resolve({ id, sends: entry.sends });
  }

  /** Unacknowledged messages, oldest first. */
  pending(): PendingMessage[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }

  /** Settles every waiting publish with `error` and hands back what was not acknowledged. */
  drain(error: Error): PendingMessage[] {
    const left = this.pending().map(({ id, topic, payload, sends }) => ({
      id,
      topic,
      payload,
      sends,
    }));
    for (const entry of this.entries.values()) entry.reject(error);
    this.entries.clear();
    return left;
  }
}
