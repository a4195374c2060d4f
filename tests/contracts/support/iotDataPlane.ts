/**
 * A stand-in for the AWS IoT data plane's HTTPS `Publish` operation in front of a real MQTT broker,
 * so a function's real `IoTDataPlaneClient` (its serializer, signer and HTTP handler) publishes
 * into the broker a real device client is connected to.
 *
 * From the API reference (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html):
 * `POST /topics/{topic}?qos=<0|1>&retain=<bool>...` with the payload as the request body; the
 * topic is a URI label (so `/` arrives percent-encoded); success is HTTP 200 with an empty body.
 * Signatures are not checked: authorization is the IAM tests' business, not this contract's.
 */
import type { Aedes } from "aedes";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import * as tls from "node:tls";
import { ROOT } from "./planned";

const FIXTURES = join(ROOT, "tests", "fixtures", "contracts");

/** A self-signed certificate for localhost and 127.0.0.1, made for these tests only. */
export const LOCALHOST_CERT = readFileSync(join(FIXTURES, "localhost-cert.pem"), "utf8");
const LOCALHOST_KEY = readFileSync(join(FIXTURES, "localhost-key.pem"), "utf8");

export interface DataPlaneStandIn {
  /** What DescribeEndpoint answers: `localhost:<port>`. */
  endpointAddress: string;
  /** Publishes received, in order. */
  published: { topic: string; qos: number; payload: string }[];
  close(): Promise<void>;
}

export async function startDataPlane(broker: Aedes): Promise<DataPlaneStandIn> {
  const published: DataPlaneStandIn["published"] = [];
  const server: Server = createServer({ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "https://localhost");
      const match = /^\/topics\/([^/]+)$/.exec(url.pathname);
      if (req.method !== "POST" || !match) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `not the Publish operation: ${req.method} ${req.url}` }));
        return;
      }
      const topic = decodeURIComponent(match[1]);
      const qos = Number(url.searchParams.get("qos") ?? "0");
      const payload = Buffer.concat(chunks);
      published.push({ topic, qos, payload: payload.toString() });
      broker.publish(
        { cmd: "publish", topic, payload, qos: qos === 1 ? 1 : 0, retain: false, dup: false },
        (error) => {
          res.writeHead(error ? 500 : 200);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    endpointAddress: `localhost:${port}`,
    published,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Trusts the stand-in's certificate for the rest of the process, on top of the default CAs, so
 * the SDK's HTTPS handler verifies it like any other endpoint (no verification switched off).
 */
export function trustLocalhostCertificate(): void {
  const defaults = tls.getCACertificates("default");
  if (!defaults.includes(LOCALHOST_CERT)) {
    tls.setDefaultCACertificates([...defaults, LOCALHOST_CERT]);
  }
}
