import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";
import type { PendingMessage } from "./pendingMessage";

/** First line of every outbox file: what it is and which record format follows. */
const MAGIC = "iot-dr-outbox 1\n";
/** Below this much dead space the file is never rewritten (flash pages are kilobytes). */
const MIN_DEAD_BYTES = 64 * 1024;
/**
 * The file is rewritten once its dead records outweigh the live ones this many times over, so a
 * rewrite costs at most 1/DEAD_RATIO of what was appended since the last one: bytes written per
 * message stay within (add + ack record) x (1 + 1/DEAD_RATIO) (bench:outbox measures it), and the
 * file within (DEAD_RATIO + 1) x the live set + MIN_DEAD_BYTES.
 */
const DEAD_RATIO = 3;

/** An add: its topic and payload. The id is the payload's own id field (not stored twice). */
type AddRecord = ["+", string, string];
/** An acknowledgement: the position of its add in this file (0 for the first add). */
type AckRecord = ["-", number];

/** When the file is rewritten; the defaults suit flash, tests shrink them to rewrite often. */
export interface OutboxCompaction {
  /** Dead bytes below which the file is never rewritten. */
  minDeadBytes: number;
  /** Rewrite once dead bytes exceed this many times the live bytes. */
  deadRatio: number;
}

interface Live {
  id: string;
  topic: string;
  payload: Buffer;
  /** Bytes of its add record, to know how much dies with it. */
  bytes: number;
  seq: number;
}

/**
 * The outbox on disk, as an append-only log: `publish` appends one add record and `ack` one
 * acknowledgement record, each `<crc32> <json>\n`, written and fdatasync'ed before the call
 * returns. A process killed mid-write leaves at most one torn record at the end, which the CRC
 * and the missing newline reveal; loading keeps everything before it. When dead records dominate,
 * the live set is written to a temporary file, fsync'ed, renamed over the log (POSIX rename(2)
 * replaces atomically) and the folder fsync'ed, as the whole file was on every change before.
 * So an acknowledged message is never resent after a restart and an unacknowledged one is never
 * lost, while a message costs about its own size on flash instead of the whole set twice.
 */
export class OutboxFile {
  private fd?: number;
  private readonly live = new Map<string, Live>();
  private nextSeq = 0;
  private liveBytes = 0;
  private deadBytes = 0;

  /** `idField` names the payload field that holds a message's id (the outbox writes it there). */
  constructor(
    private readonly file: string,
    private readonly idField: string,
    private readonly compaction: OutboxCompaction = {
      minDeadBytes: MIN_DEAD_BYTES,
      deadRatio: DEAD_RATIO,
    },
  ) {}

  /**
   * The messages left unacknowledged by an earlier run (none when there is no file yet); from then
   * on the file is this object's. A file written by the previous format (a JSON list) is read and
   * converted, so an upgrade loses nothing.
   */
  load(): PendingMessage[] {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const text = bytes.toString("utf8");
    // Empty or a torn first line: killed while creating the file, before any add returned.
    if (MAGIC.startsWith(text)) {
      this.rewrite();
      return [];
    }
    const loaded = text.startsWith("[") ? this.parseJsonList(text) : this.parseLog(text);
    for (const message of loaded) this.track(message.id, message.topic, message.payload);
    // One rewrite per start: drops a torn tail and renumbers the adds for this run's acks.
    this.rewrite();
    return loaded.map(({ id, topic, payload }) => ({ id, topic, payload, sends: 0 }));
  }

  /** Appends `message` durably before returning. */
  add(message: PendingMessage): void {
    const bytes = this.append(["+", message.topic, utf8(message.payload, this.file)]);
    this.liveBytes += bytes;
    this.track(message.id, message.topic, message.payload, bytes);
  }

  /** Appends the acknowledgement of `id` durably before returning; unknown ids are ignored. */
  ack(id: string): void {
    const entry = this.live.get(id);
    if (!entry) return;
    this.deadBytes += this.append(["-", entry.seq]) + entry.bytes;
    this.liveBytes -= entry.bytes;
    this.live.delete(id);
    const { minDeadBytes, deadRatio } = this.compaction;
    if (this.deadBytes > Math.max(minDeadBytes, deadRatio * this.liveBytes)) this.rewrite();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private track(id: string, topic: string, payload: Buffer, bytes = 0): void {
    this.live.set(id, { id, topic, payload, bytes, seq: this.nextSeq++ });
  }

  private append(record: AddRecord | AckRecord): number {
    const line = encode(record);
    if (this.fd === undefined) {
      // No file yet: it is created with its first record, in one write (a torn one is a prefix
      // of the first line, read as empty), and the folder synced so the new entry is durable.
      this.fd = openSync(this.file, "a");
      if (fstatSync(this.fd).size === 0) {
        writeSync(this.fd, Buffer.concat([Buffer.from(MAGIC), line]));
        fdatasyncSync(this.fd);
        syncFolder(this.file);
        return line.length;
      }
    }
    writeSync(this.fd, line);
    fdatasyncSync(this.fd);
    return line.length;
  }

  /** Writes the live set as a new file and swaps it in atomically. */
  private rewrite(): void {
    this.close();
    const entries = [...this.live.values()];
    const lines = entries.map((m) => encode(["+", m.topic, utf8(m.payload, this.file)]));
    const temp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, Buffer.concat([Buffer.from(MAGIC), ...lines]));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    syncFolder(this.file);
    entries.forEach((m, seq) => {
      m.seq = seq;
      m.bytes = lines[seq].length;
    });
    this.nextSeq = entries.length;
    this.liveBytes = lines.reduce((sum, line) => sum + line.length, 0);
    this.deadBytes = 0;
    this.fd = openSync(this.file, "a");
  }

  private parseLog(text: string): { id: string; topic: string; payload: Buffer }[] {
    if (!text.startsWith(MAGIC)) {
      throw new Error(
        `outbox file ${this.file}: expected an iot-dr outbox (first line ${JSON.stringify(MAGIC.trim())}) or a JSON list of messages, got ${JSON.stringify(text.slice(0, 20))}`,
      );
    }
    const adds: ({ id: string; topic: string; payload: Buffer } | undefined)[] = [];
    let at = MAGIC.length;
    for (;;) {
      const end = text.indexOf("\n", at);
      // No newline: the torn last record of a run killed mid-write (never acknowledged to anyone).
      if (end < 0) break;
      const record = decode(text.slice(at, end));
      if (!record) {
        // Only the last record can be torn; a bad one with records after it is damage, not a crash.
        if (text.indexOf("\n", end + 1) >= 0) {
          throw new Error(
            `outbox file ${this.file}: damaged record at byte ${at}, with records after it`,
          );
        }
        break;
      }
      if (record[0] === "+") {
        const payload = Buffer.from(record[2], "utf8");
        adds.push({ id: this.idOf(record[2]), topic: record[1], payload });
      } else {
        adds[record[1]] = undefined;
      }
      at = end + 1;
    }
    return adds.filter((m) => m !== undefined);
  }

  private idOf(payload: string): string {
    const id = (JSON.parse(payload) as Record<string, unknown>)[this.idField];
    if (typeof id !== "string" || id.length === 0) {
      throw new Error(`outbox file ${this.file}: a message without its "${this.idField}" field`);
    }
    return id;
  }

  /** The format before the log: the whole set as one JSON list, payloads base64. */
  private parseJsonList(text: string): { id: string; topic: string; payload: Buffer }[] {
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `outbox file ${this.file}: expected JSON, as the outbox's previous format (${(error as Error).message})`,
      );
    }
    if (!Array.isArray(stored)) {
      throw new Error(`outbox file ${this.file}: expected a list of messages`);
    }
    return (stored as { id: string; topic: string; payload: string }[]).map((m) => ({
      id: m.id,
      topic: m.topic,
      payload: Buffer.from(m.payload, "base64"),
    }));
  }
}

/** A rename or a new file is durable only once the folder's entry is on disk. */
function syncFolder(file: string): void {
  const dir = openSync(dirname(file), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function encode(record: AddRecord | AckRecord): Buffer {
  const json = JSON.stringify(record);
  const crc = crc32(json).toString(16).padStart(8, "0");
  return Buffer.from(`${crc} ${json}\n`);
}

function decode(line: string): AddRecord | AckRecord | undefined {
  const json = line.slice(9);
  if (line[8] !== " " || crc32(json).toString(16).padStart(8, "0") !== line.slice(0, 8)) {
    return undefined;
  }
  return JSON.parse(json) as AddRecord | AckRecord;
}

/** Payloads are the outbox's own JSON text; anything else would not survive the log. */
function utf8(payload: Buffer, file: string): string {
  const text = payload.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(payload)) {
    throw new Error(`outbox file ${file}: expected a UTF-8 payload`);
  }
  return text;
}
