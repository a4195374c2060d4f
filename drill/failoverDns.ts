import { createUDPServer, Packet, UDPClient, type UDPServer } from "dns2";
import type { Endpoint, Resolver } from "@iot-dr/device-client";
import type { AnswerPort } from "../functions/reconnect/answer";

/** One region's record of the failover pair: an SRV target name and where it listens. */
export interface FailoverTarget {
  /** The region endpoint's DNS name, e.g. `primary.iot.drill.test`. */
  name: string;
  endpoint: Endpoint;
}

/**
 * A Route 53 stand-in for the IoT domain's failover record: it answers PRIMARY while the primary's
 * health check is healthy, else SECONDARY, with the record's TTL. On one loopback address the
 * regions differ by port, so the record is an SRV (Route 53 failover routing takes any record type;
 * the real IoT domain is a CNAME on port 8883) with the target's A record as additional data. A
 * CNAME question gets the target's name, as the real record answers.
 */
export class FailoverDns {
  private server?: UDPServer;
  private address?: { host: string; port: number };
  /** Queries answered, per answered target. */
  public readonly answers = new Map<string, number>();

  constructor(
    private readonly domain: string,
    private readonly ttlSeconds: number,
    private readonly primary: FailoverTarget,
    private readonly secondary: FailoverTarget,
    private readonly primaryHealthy: () => boolean,
  ) {}

  /** The target answered now. */
  current(): FailoverTarget {
    return this.primaryHealthy() ? this.primary : this.secondary;
  }

  /**
   * The device-side resolver without a socket: the answer a query would get, for drills on a
   * virtual clock (a UDP round trip would take machine time). The DNS cache in the client still
   * honours the TTL.
   */
  resolver(): Resolver {
    return (domain) =>
      domain.toLowerCase().replace(/\.$/, "") === this.domain
        ? Promise.resolve({
            endpoints: [this.current().endpoint],
            ttlSeconds: this.ttlSeconds,
            target: this.current().name,
          })
        : Promise.reject(new Error(`${domain}: NXDOMAIN`));
  }

  /**
   * The reconnect function's view of the record without a socket: whether it answers `towards`
   * (the CNAME comparison of functions/reconnect/route53Answer.ts).
   */
  answerPort(primaryRegion: string): AnswerPort {
    return {
      answers: (towards) =>
        Promise.resolve((this.current() === this.primary) === (towards === primaryRegion)),
    };
  }

  async start(): Promise<{ host: string; port: number }> {
    const server = createUDPServer((request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question?.name.toLowerCase().replace(/\.$/, "");
      if (name !== this.domain) {
        response.header.rcode = 3; // NXDOMAIN
        void send(response);
        return;
      }
      const target = this.current();
      this.answers.set(target.name, (this.answers.get(target.name) ?? 0) + 1);
      if (question.type === Packet.TYPE.CNAME) {
        // What the real record is (a CNAME to the region's endpoint): the reconnect function asks
        // for it to learn which region Route 53 answers.
        response.answers.push(
          record({
            name: this.domain,
            type: Packet.TYPE.CNAME,
            class: Packet.CLASS.IN,
            ttl: this.ttlSeconds,
            domain: target.name,
          }),
        );
        void send(response);
        return;
      }
      response.answers.push(
        record({
          name: this.domain,
          type: Packet.TYPE.SRV,
          class: Packet.CLASS.IN,
          ttl: this.ttlSeconds,
          priority: 0,
          weight: 0,
          port: target.endpoint.port,
          target: target.name,
        }),
      );
      response.additionals.push(
        record({
          name: target.name,
          type: Packet.TYPE.A,
          class: Packet.CLASS.IN,
          ttl: this.ttlSeconds,
          address: target.endpoint.host,
        }),
      );
      void send(response);
    });
    await server.listen(0, "127.0.0.1");
    this.server = server;
    const { port } = server.address();
    this.address = { host: "127.0.0.1", port };
    return this.address;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The device-side resolver for {@link FailoverDns}: one SRV query, the target's address from the
 * additional section, the TTL as answered (the client scales it).
 */
export function srvResolver(server: { host: string; port: number }, timeoutMs: number): Resolver {
  const query = UDPClient({ dns: server.host, port: server.port, timeout: timeoutMs });
  return async (domain) => {
    const response = await query(domain, "SRV");
    const records = response.answers.filter((a) => a.type === Packet.TYPE.SRV);
    if (!records.length) throw new Error(`${domain}: no SRV record in the answer`);
    const endpoints = records.map((record) => {
      const a = response.additionals.find(
        (r) => r.type === Packet.TYPE.A && r.name === record.target,
      );
      if (!a?.address) throw new Error(`${domain}: no address for SRV target ${record.target}`);
      return { host: a.address, port: Number(record.port) };
    });
    // The SRV target is the region's name: what the real record's CNAME target is to devices.
    return {
      endpoints,
      ttlSeconds: Math.min(...records.map((r) => r.ttl)),
      target: String(records[0].target),
    };
  };
}

/** dns2 types its records with their encoder; the server adds it when it writes the packet. */
function record(fields: Omit<Packet.Resource, "toBuffer">): Packet.Resource {
  return fields as Packet.Resource;
}
