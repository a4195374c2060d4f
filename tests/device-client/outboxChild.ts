/**
 * Child process of the outbox kill test: adds messages to a file-backed outbox and acknowledges
 * every other one, printing each step only after the outbox returned (so after it is on disk),
 * until the parent kills it.
 */
import { Outbox } from "@iot-dr/device-client";

const [file] = process.argv.slice(2);
const outbox = new Outbox(100_000, "msgId", file);
for (let i = 0; i < 100_000; i++) {
  const id = `m-${i}`;
  void outbox.add("telemetry/x", { msgId: id, n: i }).acked;
  process.stdout.write(`added ${id}\n`);
  if (i % 2 === 0) {
    outbox.ack(id);
    process.stdout.write(`acked ${id}\n`);
  }
}
