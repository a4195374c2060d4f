/** Port: reads the global endpoint id from SSM once per cold start and caches it. */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";

export interface SsmPort {
  parameter(name: string): Promise<string>;
}

export function cachedSsm(client = new SSMClient({ retryMode: "adaptive" })): SsmPort {
  const cache = new Map<string, Promise<string>>();
  return {
    parameter(name) {
      let value = cache.get(name);
      if (!value) {
        value = client.send(new GetParameterCommand({ Name: name })).then((out) => {
          const v = out.Parameter?.Value;
          if (!v) throw new Error(`SSM parameter ${name} has no value`);
          return v;
        });
        // A failed read is not cached: the next invocation tries again.
        value.catch(() => cache.delete(name));
        cache.set(name, value);
      }
      return value;
    },
  };
}
