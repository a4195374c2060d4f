import { Duplex, duplexPair } from "node:stream";

/**
 * Two connected in-memory ends (Node's `duplexPair`) standing in for a TCP connection: bytes
 * written on one are read on the other, with no socket whose timing depends on the machine.
 * Destroying one end destroys the other, as a reset or close reaches both peers of a socket
 * (`duplexPair` alone leaves the other end open).
 */
export function memoryLink(): [Duplex, Duplex] {
  const [a, b] = duplexPair();
  a.once("close", () => b.destroy());
  b.once("close", () => a.destroy());
  return [a, b];
}

/** A connection attempt to an endpoint nobody listens on: refused at once, as TCP refuses it. */
export function refusedStream(endpoint: string): Duplex {
  const stream = new Duplex({ read: () => undefined, write: (_chunk, _encoding, done) => done() });
  process.nextTick(() =>
    stream.destroy(
      Object.assign(new Error(`connect ECONNREFUSED ${endpoint}`), { code: "ECONNREFUSED" }),
    ),
  );
  return stream;
}
