import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";

/**
 * Starts a Node.js policy pack the way `pulumi preview --policy-pack DIR` does and talks to it
 * over the analyzer gRPC API (proto/pulumi/analyzer.proto) with the SDK's generated client.
 *
 * pulumi/pulumi (commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
 * - pkg/resource/plugin/analyzer_plugin.go NewPolicyAnalyzer: a pack folder with PulumiPolicy.yaml
 *   is run through its runtime's language plugin (RunPlugin);
 * - sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin: for kind "analyzer" it locates
 *   `@pulumi/pulumi/cmd/run-policy-pack` from the pack folder, runs
 *   `node <run-policy-pack> <engine address> <pack folder>` with the pack folder as working
 *   directory, and passes PULUMI_NODEJS_{ORGANIZATION,PROJECT,STACK,DRY_RUN} and PULUMI_CONFIG;
 * - the pack (`@pulumi/policy` server.js serve) prints the port it listens on as its first line.
 */

/** What the CLI passes to the pack about the stack under preview or update. */
export interface StackContext {
  organization: string;
  project: string;
  stack: string;
  dryRun: boolean;
  /** Fully qualified stack config, as PULUMI_CONFIG. */
  config: Record<string, string>;
}

// The pack never dials the engine (run-policy-pack drops the address), but the argument is required.
const ENGINE_ADDRESS = "127.0.0.1:1";
const START_TIMEOUT_MS = 180_000;

/** The Analyzer service methods the engine calls here: request and response messages. */
interface AnalyzerMethods {
  getAnalyzerInfo: [Empty, pb.AnalyzerInfo];
  configure: [pb.ConfigureAnalyzerRequest, Empty];
  configureStack: [pb.AnalyzerStackConfigureRequest, pb.AnalyzerStackConfigureResponse];
  analyze: [pb.AnalyzeRequest, pb.AnalyzeResponse];
  analyzeStack: [pb.AnalyzeStackRequest, pb.AnalyzeResponse];
}
export type AnalyzerCall = <M extends keyof AnalyzerMethods>(
  method: M,
  request: AnalyzerMethods[M][0],
) => Promise<AnalyzerMethods[M][1]>;

export interface PolicyPackProcess {
  /** Calls one method of the Analyzer service (the generated client) and returns its response. */
  call: AnalyzerCall;
  /** What the pack wrote to stderr so far (console.error of rules, load errors). */
  stderr(): string;
  close(): Promise<void>;
}

/** Launches the pack in `packDir` and connects to it; rejects with its stderr if it never listens. */
export async function startPolicyPack(
  packDir: string,
  stack: StackContext,
): Promise<PolicyPackProcess> {
  const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", {
    paths: [packDir],
  });
  const child = spawn(process.execPath, [runPolicyPack, ENGINE_ADDRESS, packDir], {
    cwd: packDir,
    env: {
      ...process.env,
      PULUMI_NODEJS_ORGANIZATION: stack.organization,
      PULUMI_NODEJS_PROJECT: stack.project,
      PULUMI_NODEJS_STACK: stack.stack,
      PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
      PULUMI_CONFIG: JSON.stringify(stack.config),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await firstLine(child, () => stderr);
  if (!/^\d+$/.test(port)) {
    child.kill();
    throw new Error(`policy pack in ${packDir} printed ${JSON.stringify(port)}, not a port`);
  }
  const client = new AnalyzerClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    // The engine's limit (rpcutil.GrpcChannelOptions): a whole stack goes in one AnalyzeStack.
    { "grpc.max_send_message_length": 400 * 1024 * 1024 },
  );
  const call: AnalyzerCall = (method, request) =>
    new Promise((resolve, reject) => {
      const unary = client[method].bind(client) as (
        request: unknown,
        callback: (
          error: grpc.ServiceError | null,
          response: AnalyzerMethods[typeof method][1],
        ) => void,
      ) => void;
      unary(request, (error, response) =>
        error ? reject(new Error(`${method}: ${error.message}\n${stderr}`)) : resolve(response),
      );
    });
  return {
    call,
    stderr: () => stderr,
    close: async () => {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
    },
  };
}

function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(`policy pack did not print its port in ${START_TIMEOUT_MS} ms\n${stderr()}`),
      );
    }, START_TIMEOUT_MS);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const newline = out.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline).trim());
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`policy pack exited with ${code} before listening:\n${stderr()}`));
    });
  });
}
