import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { AddressInfo, Server, createServer as createTcpServer } from "net";
import { tmpdir } from "os";
import { join } from "path";
// The module object itself (not a namespace copy): mqtt.js calls `require("tls").connect`.
import tls from "tls";
import type { ConnectionOptions, TLSSocket } from "tls";
import { Aedes } from "aedes";

/** A CA, a server certificate for the given host names, and a client (device) certificate. */
export interface TestPki {
  caPem: string;
  serverPem: string;
  serverKey: string;
  clientPem: string;
  clientKey: string;
}

/** Made with the openssl CLI for this run only; nothing is written to the repository. */
export function makePki(serverNames: string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "iot-dr-pki-"));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    openssl(
      "req",
      "-x509",
      ...ec,
      "-keyout",
      path("ca.key"),
      "-out",
      path("ca.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=iot-dr test CA",
    );
    for (const [name, subject] of [
      ["server", `/CN=${serverNames[0]}`],
      ["client", "/CN=iot-dr-health-probe"],
    ]) {
      openssl(
        "req",
        ...ec,
        "-keyout",
        path(`${name}.key`),
        "-out",
        path(`${name}.csr`),
        "-subj",
        subject,
      );
      const extensions =
        name === "server"
          ? `subjectAltName=${serverNames.map((n) => `DNS:${n}`).join(",")}\nextendedKeyUsage=serverAuth\n`
          : "extendedKeyUsage=clientAuth\n";
      writeFileSync(path(`${name}.ext`), extensions);
      openssl(
        "x509",
        "-req",
        "-in",
        path(`${name}.csr`),
        "-CA",
        path("ca.pem"),
        "-CAkey",
        path("ca.key"),
        "-CAcreateserial",
        "-out",
        path(`${name}.pem`),
        "-days",
        "1",
        "-extfile",
        path(`${name}.ext`),
      );
    }
    const read = (name: string) => readFileSync(path(name), "utf8");
    return {
      caPem: read("ca.pem"),
      serverPem: read("server.pem"),
      serverKey: read("server.key"),
      clientPem: read("client.pem"),
      clientKey: read("client.key"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A planned topic rule that republishes: what its SQL selects from, and where it republishes. */
export interface RepublishRule {
  from: string;
  to: string;
}

/**
 * An MQTT broker behind mutual TLS, as IoT Core's data endpoint is: it admits CA-signed clients.
 * `rules` stand in for the rules engine: a client's message on a rule's `from` topic is published
 * again on its `to` topic, while `rulesUp()` holds.
 */
export async function startTlsBroker(
  pki: TestPki,
  rules: RepublishRule[] = [],
  rulesUp: () => boolean = () => true,
): Promise<{ port: number; close: () => Promise<void> }> {
  const aedes = await Aedes.createBroker();
  aedes.on("publish", (packet, client) => {
    if (!client || !rulesUp()) return;
    for (const rule of rules.filter((r) => r.from === packet.topic)) {
      aedes.publish(
        { ...packet, topic: rule.to, retain: false, dup: false, qos: 1, cmd: "publish" },
        () => undefined,
      );
    }
  });
  const server = tls.createServer(
    {
      key: pki.serverKey,
      cert: pki.serverPem,
      ca: [pki.caPem],
      requestCert: true,
      rejectUnauthorized: true,
      // Without it the broker's small writes (SUBACK, the PUBLISH back) wait on Nagle's algorithm
      // against the client's delayed ACK: about 40 ms each on loopback, 10 times the round trip.
      noDelay: true,
    },
    aedes.handle,
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => aedes.close(() => resolve()));
      }),
  };
}

/** A loopback port nothing listens on: connecting to it is refused at once. */
export async function refusedPort(): Promise<number> {
  const server: Server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Sends TLS connections for the given host names to loopback ports, as DNS would send them to
 * IoT Core, trusting the test CA; the server name (SNI and certificate check) stays the host's.
 * Returns the function that restores `tls.connect`.
 */
export function routeTls(route: (host: string) => number | undefined, caPem: string): () => void {
  const original = tls.connect;
  const patched = ((...args: unknown[]) => {
    const options = args[0] as ConnectionOptions | undefined;
    const port = options && typeof options === "object" ? route(String(options.host)) : undefined;
    if (port === undefined) return (original as (...a: unknown[]) => TLSSocket)(...args);
    return original({
      ...options,
      host: "127.0.0.1",
      port,
      servername: options?.servername ?? String(options?.host),
      ca: [caPem],
    });
  }) as typeof tls.connect;
  tls.connect = patched;
  return () => {
    tls.connect = original;
  };
}
