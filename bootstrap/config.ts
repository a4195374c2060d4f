import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ACCOUNT_KEYS, AccountKey } from "./accountKeys";

const NAMESPACE = "iot-dr-bootstrap";

const accountSchema = z.strictObject({
  id: z.string().regex(/^\d{12}$/, "expected a 12-digit AWS account id"),
  adminRoleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "expected an IAM role ARN"),
  // STS: 2-1224 characters of [\w+=,.@:/-]; no whitespace, so it is compared as written.
  externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, "expected an STS external id"),
});

const configSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "expected an AWS region"),
  github: z.strictObject({
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/repository"),
    deployEnvironment: z.string().regex(/^[\w.-]+$/, "expected a GitHub environment name"),
  }),
  pipelineAccount: z.enum(ACCOUNT_KEYS),
  accounts: z.strictObject(
    Object.fromEntries(ACCOUNT_KEYS.map((k) => [k, accountSchema])) as Record<
      AccountKey,
      typeof accountSchema
    >,
  ),
});

/** One account: its id, the administrator's role the bootstrap runs with, the external id. */
export interface BootstrapAccount {
  id: string;
  adminRoleArn: string;
  externalId: pulumi.Output<string>;
}

/** The bootstrap stack's config, validated. */
export interface BootstrapConfig {
  region: string;
  repository: string;
  deployEnvironment: string;
  pipelineAccount: AccountKey;
  accounts: Record<AccountKey, BootstrapAccount>;
}

/** Reads and checks the stack's config, failing with each key and what it expects. */
export function loadBootstrapConfig(): BootstrapConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${NAMESPACE}:`)) continue;
    let parsed: unknown = value;
    try {
      parsed = JSON.parse(value);
    } catch {
      // A plain string value.
    }
    raw[key.slice(NAMESPACE.length + 1)] = parsed;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${NAMESPACE}:${i.path.map(String).join(".")}: ${i.message}`,
    );
    throw new Error(`bootstrap config:\n  ${problems.join("\n  ")}`);
  }
  const { region, github, pipelineAccount, accounts } = result.data;
  return {
    region,
    repository: github.repository,
    deployEnvironment: github.deployEnvironment,
    pipelineAccount,
    accounts: Object.fromEntries(
      ACCOUNT_KEYS.map((k) => [
        k,
        { ...accounts[k], externalId: pulumi.secret(accounts[k].externalId) },
      ]),
    ) as Record<AccountKey, BootstrapAccount>,
  };
}
