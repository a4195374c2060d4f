import { promises as dns } from "node:dns";

/** Where a region's MQTT endpoint listens. */
export interface Endpoint {
  host: string;
  port: number;
}

/** One DNS answer: the endpoints the IoT domain points at now, and how long that may be cached. */
export interface Resolution {
  endpoints: Endpoint[];
  ttlSeconds: number;
  /**
   * The name the failover record points at (the CNAME target: one region's IoT endpoint). The
   * client moves when this changes, never because the addresses behind it rotate (an IoT endpoint
   * answers with several load-balanced addresses that change over time). Without it the client
   * moves only on a lost connection.
   */
  target?: string;
}

/** Resolves the IoT domain. Injected so gateways use the system's DNS and tests a local server. */
export type Resolver = (domain: string) => Promise<Resolution>;

/** Options of {@link systemResolver}. */
export interface SystemResolverOptions {
  /** MQTT port of every address (AWS IoT Core: 8883 for MQTT over TLS, or 443 with ALPN). */
  port?: number;
  /** DNS servers as `ip` or `ip:port`; default the system's. */
  servers?: string[];
}

/**
 * A resolver over the system's DNS: A records of the domain (following the failover CNAME) with
 * their TTL, all on one port. Connect with TLS `servername` = the domain (the client does).
 */
export function systemResolver(options: SystemResolverOptions = {}): Resolver {
  const port = options.port ?? 8883;
  const resolver = new dns.Resolver();
  if (options.servers) resolver.setServers(options.servers);
  return async (domain) => {
    const [records, target] = await Promise.all([
      resolver.resolve4(domain, { ttl: true }),
      cnameTarget(resolver, domain),
    ]);
    return {
      endpoints: records.map((record) => ({ host: record.address, port })),
      ttlSeconds: Math.min(...records.map((record) => record.ttl)),
      target,
    };
  };
}

/** The last name of the domain's CNAME chain (at most 8 links), or undefined without a CNAME. */
async function cnameTarget(resolver: dns.Resolver, domain: string): Promise<string | undefined> {
  let name = domain;
  for (let link = 0; link < 8; link++) {
    let next: string[];
    try {
      next = await resolver.resolveCname(name);
    } catch {
      break;
    }
    if (!next.length) break;
    name = next[0];
  }
  return name === domain ? undefined : normalName(name);
}

/** A DNS name compared as DNS compares: case-insensitive, without the root dot. */
export function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.host === b.host && a.port === b.port;
}

/**
 * A cache in front of the resolver that honours the answer's TTL like a stub resolver would, so
 * a device never sees a new answer earlier than the fleet would. `timeScale` shrinks the TTL for
 * drills and tests (DNS carries whole seconds).
 */
export class DnsCache {
  private cached?: { resolution: Resolution; expiresAt: number };

  constructor(
    private readonly domain: string,
    private readonly resolver: Resolver,
    private readonly timeScale: number,
    private readonly timeoutMs: number,
  ) {}

  async resolve(): Promise<Resolution> {
    const now = Date.now();
    if (this.cached && now < this.cached.expiresAt) return this.cached.resolution;
    const resolution = await withTimeout(
      this.resolver(this.domain),
      this.timeoutMs,
      `resolving ${this.domain}`,
    );
    if (!resolution.endpoints.length) {
      throw new Error(`resolving ${this.domain}: the answer holds no endpoint`);
    }
    this.cached = {
      resolution,
      expiresAt: now + (resolution.ttlSeconds * 1000) / this.timeScale,
    };
    return resolution;
  }

  /** Forget the answer: the next resolve asks the resolver. */
  flush(): void {
    this.cached = undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
