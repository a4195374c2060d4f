import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { PendingMessage } from "./pendingMessage";

/** One unacknowledged message as the file keeps it. */
interface StoredMessage {
  id: string;
  topic: string;
  /** The payload, base64. */
  payload: string;
  sends: number;
}

/**
 * The outbox on disk: every change rewrites the whole set to a temporary file, fsyncs it, renames
 * it over the old one and fsyncs the folder. A rename replaces the file atomically (POSIX
 * rename(2)), so a process killed at any instant leaves either the old set or the new one, never
 * a torn file: an acknowledged message is never resent after a restart, and an unacknowledged
 * one is never lost.
 */
export class OutboxFile {
  constructor(private readonly file: string) {}

  /** The messages left unacknowledged by an earlier run; none when there is no file yet. */
  load(): PendingMessage[] {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch (error) {
      throw new Error(`outbox file ${this.file}: expected JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(stored)) {
      throw new Error(`outbox file ${this.file}: expected a list of messages`);
    }
    return (stored as StoredMessage[]).map((m) => ({
      id: m.id,
      topic: m.topic,
      payload: Buffer.from(m.payload, "base64"),
      sends: m.sends,
    }));
  }

  /** Replaces the stored set with `pending`, durably, before returning. */
  save(pending: PendingMessage[]): void {
    const stored: StoredMessage[] = pending.map((m) => ({
      id: m.id,
      topic: m.topic,
      payload: m.payload.toString("base64"),
      sends: m.sends,
    }));
    const temp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, JSON.stringify(stored));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    // The rename itself is durable only once the folder's entry is on disk.
    const dir = openSync(dirname(this.file), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
