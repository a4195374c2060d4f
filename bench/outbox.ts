/**
 * npm run -s bench:outbox -- [--json]: bytes the device client's file-backed outbox writes per
 * message, measured by the kernel (`wchar` of /proc/self/io: every byte passed to write(2) by this
 * process, whatever code made the call), for the shapes a device sees:
 * - buffered: 1,000 messages published while offline, then all acknowledged on reconnect;
 * - steady: 10,000 messages published and acknowledged with 10 in flight, at 64 B, 314 B and 1 KiB.
 * Limit: at most 3x the message's own size (its MQTT payload) in every shape. Prints one line per
 * shape, or one JSON object; exit 1 when a shape is over the limit, 2 on bad usage.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Outbox } from "@iot-dr/device-client";

const LIMIT = 3;

interface Shape {
  name: string;
  messages: number;
  inFlight: number;
  /** Characters of filler in each message; its payload size is measured, not assumed. */
  filler: number;
}

const SHAPES: Shape[] = [
  {
    name: "buffered 1,000 then acknowledged, 314 B",
    messages: 1_000,
    inFlight: 1_000,
    filler: 250,
  },
  { name: "steady, 10 in flight, 64 B", messages: 10_000, inFlight: 10, filler: 0 },
  { name: "steady, 10 in flight, 314 B", messages: 10_000, inFlight: 10, filler: 250 },
  { name: "steady, 10 in flight, 1 KiB", messages: 10_000, inFlight: 10, filler: 960 },
];

/** Bytes this process has handed to write(2) so far (Linux: proc(5), /proc/pid/io). */
function writtenBytes(): number {
  const match = /^wchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"));
  if (!match) throw new Error("bench:outbox: /proc/self/io has no wchar line (Linux only)");
  return Number(match[1]);
}

function run(shape: Shape, dir: string) {
  const file = join(dir, `${shape.messages}-${shape.filler}.outbox`);
  const outbox = new Outbox(shape.inFlight, "msgId", file);
  const message = (i: number) => ({
    msgId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    deviceId: "sensor-0042",
    at: 1765000000000 + i,
    reading: "r".repeat(shape.filler),
  });
  const waiting: string[] = [];
  let payloadBytes = 0;
  const before = writtenBytes();
  for (let i = 0; i < shape.messages; i++) {
    if (waiting.length === shape.inFlight) outbox.ack(waiting.shift()!);
    const { entry, acked } = outbox.add("dt/sensor-0042/telemetry", message(i));
    void acked;
    payloadBytes += entry.payload.length;
    waiting.push(entry.id);
  }
  for (const id of waiting) outbox.ack(id);
  const written = writtenBytes() - before;
  const messageBytes = payloadBytes / shape.messages;
  const bytesPerMessage = written / shape.messages;
  return {
    shape: shape.name,
    messages: shape.messages,
    messageBytes: Math.round(messageBytes),
    bytesWritten: written,
    bytesPerMessage: Math.round(bytesPerMessage),
    ratio: Number((bytesPerMessage / messageBytes).toFixed(2)),
  };
}

function main(argv: string[]): number {
  let json: boolean;
  try {
    ({
      values: { json },
    } = parseArgs({
      args: argv,
      options: { json: { type: "boolean", default: false } },
      strict: true,
    }) as { values: { json: boolean } });
  } catch (error) {
    console.error(
      `bench:outbox: ${(error as Error).message}; usage: npm run -s bench:outbox -- [--json]`,
    );
    return 2;
  }
  // A memory-backed folder where there is one: write(2) counts the same, fsync costs nothing.
  const dir = mkdtempSync(
    join(
      readFileSync("/proc/mounts", "utf8").includes(" /dev/shm ") ? "/dev/shm" : tmpdir(),
      "outbox-bench-",
    ),
  );
  try {
    const shapes = SHAPES.map((shape) => run(shape, dir));
    const withinLimit = shapes.every((s) => s.ratio <= LIMIT);
    if (json) {
      console.log(JSON.stringify({ limitRatio: LIMIT, withinLimit, shapes }));
    } else {
      for (const s of shapes) {
        console.log(
          `${s.shape}: ${s.bytesPerMessage} B written per ${s.messageBytes} B message (${s.ratio}x, limit ${LIMIT}x)`,
        );
      }
    }
    return withinLimit ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
