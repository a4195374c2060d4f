/**
 * Child process of the outbox kill tests: adds messages to a file-backed outbox and acknowledges
 * every other one, printing each step only after the outbox returned (so after it is on disk),
 * until it dies. How it dies is the second argument:
 * - `parent`: the parent kills it at a moment of its choosing (SIGKILL).
 * - `after-ack:N`: it kills itself right after reporting its N-th acknowledgement, before any
 *   other work (a save put off to later never happens).
 * - `ack-unreported:N`: it kills itself after its N-th `ack()` returned, before reporting it (a
 *   kill from outside lands there too: the parent then never learns of that acknowledgement).
 * - `mid-write:N`: its N-th file write writes half of its bytes, then the process is killed (a
 *   torn write, as a crash or power cut leaves one).
 * - `mid-rewrite:N`: as `mid-write:N`, with the outbox rewriting its file after every
 *   acknowledgement, so every third write is a rewrite (the append-only log's compaction).
 */
import type { PathOrFileDescriptor } from "node:fs";
import { Outbox } from "@iot-dr/device-client";

// The module object itself, patched in place below: an imported namespace is read-only.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const fs = require("node:fs") as typeof import("node:fs");

const [file, crash = "parent", reportFile] = process.argv.slice(2);
if (!reportFile) throw new Error("outboxChild: expected FILE CRASH REPORT_FILE");
// Each step is reported in a file, written before the next step: stdout to a pipe is not that
// (once the pipe is full Node queues writes in the process, and a kill loses them), so stdout
// only shows progress.
const report = fs.openSync(reportFile, "a");
// fs.writeSync before the mid-write patch below (which spares the report and fd 1 anyway).
const unpatchedWriteSync = fs.writeSync;
// Progress goes to fd 1 with a write that waits for room in the pipe, not process.stdout: once the
// pipe is full Node queues process.stdout's writes in the process, so the loop ran on unread (under
// the suite's load all 100,000 steps, the kill then landing after the loop, not mid-send). Waiting
// holds the loop once it is a pipe's worth (64 KiB) ahead of the parent's reading.
const say = (line: string) => {
  unpatchedWriteSync(report, `${line}\n`);
  writeWaiting(1, Buffer.from(`${line}\n`));
};
/**
 * Writes all of `bytes`, waiting while the pipe is full. fd 1 may be non-blocking (esbuild, run by
 * the TypeScript loader on a cache miss, leaves it so), where a full pipe answers EAGAIN at once.
 */
function writeWaiting(fd: number, bytes: Buffer) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let done = 0; done < bytes.length;) {
    try {
      done += unpatchedWriteSync(fd, bytes, done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1); // 1 ms, synchronously: the loop must not run on meanwhile
    }
  }
}
const [mode, at] = crash.split(":");
const nth = Number(at);
if (mode !== "parent" && !(Number.isInteger(nth) && nth >= 1)) {
  throw new Error(
    `outboxChild: expected parent, after-ack:N, ack-unreported:N, mid-write:N or mid-rewrite:N, got ${crash}`,
  );
}
const die = (): never => {
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable: killed");
};

if (mode === "mid-write" || mode === "mid-rewrite") {
  // Every way the outbox could write its file (fs calls are looked up on the module at each call).
  let writes = 0;
  const half = (data: string | NodeJS.ArrayBufferView) => {
    const bytes =
      typeof data === "string"
        ? Buffer.from(data)
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return bytes.subarray(0, Math.floor(bytes.length / 2));
  };
  const writeSync = fs.writeSync;
  const writeFileSync = fs.writeFileSync;
  const patched = fs as unknown as Record<string, unknown>;
  if (!Object.getOwnPropertyDescriptor(fs, "writeSync")?.writable) {
    throw new Error("outboxChild: cannot patch fs.writeSync");
  }
  patched.writeSync = (fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (fd > 2 && fd !== report && ++writes === nth) {
      writeSync(fd, half(data));
      die();
    }
    return (writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
  };
  patched.writeFileSync = (
    path: PathOrFileDescriptor,
    data: string | NodeJS.ArrayBufferView,
    ...rest: unknown[]
  ) => {
    if (++writes === nth) {
      writeFileSync(path, half(data));
      die();
    }
    return (writeFileSync as (...args: unknown[]) => void)(path, data, ...rest);
  };
}

const outbox = new Outbox(
  100_000,
  "msgId",
  file,
  mode === "mid-rewrite" ? { minDeadBytes: 0, deadRatio: 0 } : undefined,
);
let acks = 0;
for (let i = 0; i < 100_000; i++) {
  const id = `m-${i}`;
  void outbox.add("telemetry/x", { msgId: id, n: i }).acked;
  say(`added ${id}`);
  if (i % 2 === 0) {
    outbox.ack(id);
    acks++;
    if (mode === "ack-unreported" && acks === nth) die();
    say(`acked ${id}`);
    if (mode === "after-ack" && acks === nth) die();
  }
}
