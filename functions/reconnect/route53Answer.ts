import { lookup, Resolver } from "node:dns/promises";
import type { AnswerPort } from "./answer";

/**
 * The answer of the zone's authoritative (Route 53) name servers for the IoT domain's failover
 * CNAME, asked directly so no resolver cache stands between the function and Route 53's decision.
 * PRIMARY answers the primary region's target; anything else is the SECONDARY record.
 */
export class Route53Answer implements AnswerPort {
  private servers?: Promise<string[]>;

  constructor(
    private readonly settings: {
      domain: string;
      zoneName: string;
      primaryRegion: string;
      /** The PRIMARY record's CNAME value (the primary region's IoT endpoint). */
      primaryTarget: string;
      /** "host[:port]" of the name servers; unset: the zone's NS records, looked up once. */
      nameServers?: string[];
    },
  ) {}

  private nameServers(): Promise<string[]> {
    this.servers ??= (async () => {
      const names = this.settings.nameServers?.length
        ? this.settings.nameServers
        : await new Resolver().resolveNs(this.settings.zoneName);
      // Resolver.setServers takes addresses only.
      return Promise.all(
        names.map(async (server) => {
          const [host, port] = server.split(/:(?=\d+$)/);
          const { address } = await lookup(host, { family: 4 });
          return port ? `${address}:${port}` : address;
        }),
      );
    })();
    this.servers.catch(() => (this.servers = undefined));
    return this.servers;
  }

  async answers(towards: string): Promise<boolean> {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers(await this.nameServers());
    const [target] = await resolver.resolveCname(this.settings.domain);
    const primary = target?.replace(/\.$/, "").toLowerCase() === this.settings.primaryTarget;
    return towards === this.settings.primaryRegion ? primary : target !== undefined && !primary;
  }
}
