/** A valid raw stack config (keys without the `iot-dr:` namespace) that each test bends one way. */
export function validRawConfig(
  role: "primary" | "secondary" = "secondary",
): Record<string, unknown> {
  const account = (digit: string, name: string) => ({
    id: digit.repeat(12),
    deployRoleArn: `arn:aws:iam::${digit.repeat(12)}:role/iot-dr-deploy`,
    externalId: `external-id-for-${name}`,
  });
  return {
    role,
    regions: { primary: "eu-west-1", secondary: "eu-central-1" },
    accounts: {
      sharedServices: account("1", "shared"),
      iotServices: account("2", "iot"),
      commandControl: account("3", "cc"),
      dataAnalytics: account("4", "analytics"),
    },
    dns: {
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      zoneName: "example.com",
      iotDomain: "iot.example.com",
      commandControlDomain: "api.example.com",
      ttlSeconds: 60,
    },
    rtoTargetSeconds: 300,
  };
}

/** Sets `value` at a dotted path of a deep copy of `raw`; `undefined` removes the key. */
export function withValue(
  raw: Record<string, unknown>,
  dottedPath: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(raw);
  const keys = dottedPath.split(".");
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] = node[key] ?? {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}
