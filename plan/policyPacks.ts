import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel, Policies, PolicyPackArgs } from "@pulumi/policy";
import { parse } from "yaml";
import { readPolicyConfig } from "./policyConfig";
import type { PolicyPackRules } from "./policyRunner";
import { UsageError } from "./stackFile";

/**
 * Loads a CrossGuard pack folder (`--policy-pack DIR`) the way `pulumi preview --policy-pack DIR`
 * starts it, minus the analyzer server: its PulumiPolicy.yaml must say runtime nodejs, its
 * package's `main` (else index) runs with the pack folder as working directory (the CLI's
 * language host runs it there, and PolicyPack reads the version from ./package.json), and what
 * the pack hands to `serve` in @pulumi/policy (its policies, pack enforcement level and initial
 * config) is kept instead of starting a server. Levels then reconcile as the CLI does: the
 * policy's own, else the pack's; the pack's initial config; the config file given for it.
 */
export function loadPolicyPack(dir: string, configFile?: string): PolicyPackRules {
  const manifest = path.join(dir, "PulumiPolicy.yaml");
  if (!fs.existsSync(manifest)) {
    throw new UsageError(
      `--policy-pack ${dir}: expected a policy pack folder with PulumiPolicy.yaml`,
    );
  }
  const runtime = runtimeOf(fs.readFileSync(manifest, "utf8"));
  if (runtime !== "nodejs") {
    throw new UsageError(
      `--policy-pack ${dir}: runtime ${runtime ?? "(none)"}; the offline plan runs nodejs packs only`,
    );
  }
  const served = servedPack(dir);
  const policies: Policies = served.args.policies.map((policy) => ({
    ...policy,
    enforcementLevel: policy.enforcementLevel ?? served.enforcementLevel,
  }));
  const rules: PolicyPackRules = { name: served.name, policies };
  const fromFile = configFile ? readPolicyConfig(path.resolve(configFile), policies) : undefined;
  if (served.initialConfig || fromFile) rules.config = { ...served.initialConfig, ...fromFile };
  return rules;
}

interface Served {
  name: string;
  enforcementLevel: EnforcementLevel;
  args: PolicyPackArgs;
  initialConfig?: PolicyPackRules["config"];
}

/** Runs the pack's entry with @pulumi/policy's `serve` replaced by a recorder. */
function servedPack(dir: string): Served {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the pack's own @pulumi/policy, resolved from its folder
  const server = require(require.resolve("@pulumi/policy/server", { paths: [dir] })) as {
    serve: (...args: unknown[]) => void;
  };
  const serve = server.serve;
  const served: Served[] = [];
  server.serve = (name, _version, enforcementLevel, args, initialConfig) => {
    served.push({
      name: String(name),
      enforcementLevel: enforcementLevel as EnforcementLevel,
      args: args as PolicyPackArgs,
      initialConfig: initialConfig as Served["initialConfig"],
    });
  };
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    const entry = require.resolve(path.resolve(dir));
    delete require.cache[entry];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the pack's entry runs as the CLI runs it
    require(entry);
  } catch (error) {
    throw new UsageError(
      `--policy-pack ${dir}: the pack failed to load: ${(error as Error).message}`,
    );
  } finally {
    process.chdir(cwd);
    server.serve = serve;
  }
  if (served.length !== 1) {
    throw new UsageError(
      `--policy-pack ${dir}: expected the pack to build one PolicyPack, it built ${served.length}`,
    );
  }
  return served[0];
}

function runtimeOf(text: string): string | undefined {
  const document = parse(text) as { runtime?: unknown } | null;
  const runtime = document?.runtime;
  if (typeof runtime === "string") return runtime;
  // `runtime: { name: nodejs, options: ... }` is the long form.
  const name = (runtime as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : undefined;
}
