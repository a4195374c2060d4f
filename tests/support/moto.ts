/**
 * moto (the AWS API emulator, `python3 -m moto.server`) as the integration suites' AWS: started on
 * a free loopback port the first time a suite asks for it, once per test run, stopped when the run
 * ends, its state reset before every test. Suites that never call {@link useMoto} never start it.
 * What moto emulates and what the harness bridges: docs/testing.md, "Integration tests against moto".
 */
import { spawn, type ChildProcess } from "child_process";
import * as net from "net";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/**
 * Options every test starts from (POST /moto-api/config). IoT's `use_valid_cert` (real X.509
 * certificates, ids as AWS computes them) is set in the launcher: this endpoint ignores it.
 */
export const MOTO_CONFIG = {
  // Executions run their states instead of staying RUNNING forever.
  stepfunctions: { execute_state_machine: true },
  // No Docker here: a Lambda invoke returns its payload; the harness runs the handler itself.
  lambda: { use_docker: false },
} as const;

/** The message the run fails with when moto cannot be started, whatever the cause below it. */
export const MOTO_MISSING =
  "The integration tests need moto, the AWS API emulator, importable by python3 " +
  "(`python3 -c 'import moto.server'`). Install it with: pip install 'moto[server]'";

const STARTUP_TIMEOUT_MS = 30_000;
const OUTPUT_KEPT = 20_000;

/** Credentials moto accepts: any static pair lands in its default account 123456789012. */
export const STATIC_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export interface MotoServer {
  endpoint: string;
  /** How long the server took from spawn to its first answer. */
  startupMs: number;
  /** The server's latest output (stdout and stderr), for failure messages. */
  output(): string;
}

// Runs moto's server and exits when its stdin closes, i.e. as soon as the test process is gone,
// however it ended (even SIGKILL): a run never leaves a server behind.
const LAUNCHER = `
import os, sys, threading
try:
    from moto.server import main
    from moto.core.config import default_user_config
except ImportError as error:
    sys.stderr.write("moto import failed: %s\\n" % error)
    sys.exit(3)
# POST /moto-api/config ignores "iot" in moto 5.2.1 (only batch, lambda, stepfunctions are read):
# set it in the server's process, so certificate ids are AWS's (SHA-256 of the DER encoding).
default_user_config["iot"] = {"use_valid_cert": True}
# Measured with cProfile over the replication suite (about 1,700 requests), costs that are no
# emulation: werkzeug's access-log line per request, written to the pipe (warnings and errors,
# tracebacks included, still are); moto 5.2.1 listing its own package folder (~130 stat calls)
# for every request whose Host is not a service name, 127.0.0.1:PORT among them; and its
# inspect.getmembers of the responses class on every call. Both are computed once here; a moto
# without these functions runs unpatched.
import functools, logging
from moto import backends
from moto.core import responses
logging.getLogger("werkzeug").setLevel(logging.WARNING)
if hasattr(backends, "list_of_moto_modules"):
    _modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: iter(_modules)
if hasattr(responses, "method_names_from_class"):
    responses.method_names_from_class = functools.lru_cache(maxsize=None)(
        responses.method_names_from_class
    )
# moto 5.2.1's Step Functions interpreter (ported from LocalStack) builds a new boto3 client for
# each Lambda task (asl/utils/boto_client.py) and a new JSONPath parser, ply tables and all, for
# each path it reads (asl/utils/json_path.py): the sweep's 16-item map took 3.7-4.0 s, 2.4 s with
# both kept per argument (importing them here adds ~0.1 s to the start). A client is shared by
# the map's threads as boto3 allows ("Low-level clients are thread safe", boto3 guide, Multithreading).
try:
    from moto.stepfunctions.parser.asl.utils import json_path
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    json_path.parse = functools.lru_cache(maxsize=4096)(json_path.parse)
    _new_client = lambda_eval_utils.boto_client_for
    _clients = {}
    def _kept_client(region, service, state_credentials=None):
        # StateCredentials is a dataclass: its repr names the role the task runs as.
        key = (region, service, repr(state_credentials))
        if key not in _clients:
            _clients[key] = _new_client(
                region=region, service=service, state_credentials=state_credentials
            )
        return _clients[key]
    lambda_eval_utils.boto_client_for = _kept_client
except ImportError:
    pass
# moto 5.2.1's response serializer (core/serialize.py) asks, for every member of every response
# (each DynamoDB attribute value's ten members among them), which attribute of its Python object
# holds it: XFormedAttributePicker.get_possible_keys builds its six alias providers anew each time
# (~25 % of moto's CPU in the replication suite, cProfile). The answer depends only on the picker,
# the member's key and shape (botocore's, made once per operation model and kept), the object's
# class and its class-level Meta aliases: worked out once per such combination. An object whose
# Meta is not a class is asked every time, as before.
try:
    from moto.core import serialize as _serialize
    _possible_keys = _serialize.XFormedAttributePicker.get_possible_keys
    _kept_keys = {}
    def _kept_possible_keys(self, context):
        obj = context.obj
        meta = getattr(obj, "Meta", None)
        if meta is not None and not isinstance(meta, type):
            return _possible_keys(self, context)
        key = (type(self), tuple(self.alias_providers), context.key, context.shape, type(obj), meta)
        keys = _kept_keys.get(key)
        if keys is None:
            keys = _kept_keys[key] = tuple(_possible_keys(self, context))
        return keys
    _serialize.XFormedAttributePicker.get_possible_keys = _kept_possible_keys
except (ImportError, AttributeError):
    pass
def watch():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
`;

let started: Promise<MotoServer> | undefined;
let reportedMissing = false;

/** The run's moto server, started on first use. */
export function motoServer(): Promise<MotoServer> {
  started ??= startMoto();
  return started;
}

/** How moto is launched: which python, with which interpreter options (tests bend them). */
export interface LaunchOptions {
  python?: string;
  pythonArgs?: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class MotoUnavailable extends Error {
  constructor(detail: string) {
    super(`${MOTO_MISSING}\n(${detail})`);
    this.name = "MotoUnavailable";
    // Mocha prints the stack after the message: there is nothing to learn from it here.
    this.stack = this.message;
  }
}

/**
 * Starts a moto server of its own (the run shares {@link motoServer}'s). Rejects with
 * {@link MotoUnavailable} when python3 or moto is missing, or the server does not come up.
 */
export async function startMoto(options: LaunchOptions = {}): Promise<MotoServer> {
  const python = options.python ?? "python3";
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const begin = Date.now();
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  let child: ChildProcess;
  let exited: string | undefined;
  try {
    child = spawn(python, [...(options.pythonArgs ?? []), "-u", "-c", LAUNCHER, String(port)], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
  } catch (error) {
    throw new MotoUnavailable(`python3 could not be started: ${(error as Error).message}`);
  }
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.on("error", (error) => (exited = `${python} could not be started: ${error.message}`));
  child.on("exit", (code, signal) => (exited ??= `moto exited with ${signal ?? `code ${code}`}`));
  // The run must not wait for the server, nor the server outlive the run.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void }).unref?.();
  }
  process.once("exit", () => child.kill());

  while (Date.now() - begin < STARTUP_TIMEOUT_MS) {
    if (exited) throw new MotoUnavailable(`${exited}: ${output.trim().split("\n").pop() ?? ""}`);
    try {
      const answer = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (answer.ok) {
        const server = { endpoint, startupMs: Date.now() - begin, output: () => output };
        await configure(server);
        return server;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new MotoUnavailable(
    `moto did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS} ms; output:\n${output}`,
  );
}

async function post(server: MotoServer, path: string, body?: unknown): Promise<void> {
  const answer = await fetch(`${server.endpoint}${path}`, {
    method: "POST",
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  if (!answer.ok) {
    throw new Error(`moto ${path} answered ${answer.status}: ${await answer.text()}`);
  }
}

async function configure(server: MotoServer): Promise<void> {
  await post(server, "/moto-api/config", MOTO_CONFIG);
}

/** Forgets every resource of every account and region (the config stays). */
export async function resetMoto(server: MotoServer): Promise<void> {
  await post(server, "/moto-api/reset");
}

/**
 * Registers, in the calling `describe`, a hook that starts moto (once per run) and one that resets
 * it before each test. The returned getter gives the server inside tests. When moto cannot start,
 * the first suite fails with {@link MOTO_MISSING}; the others are skipped, so the message is said
 * once.
 */
export function useMoto(): () => MotoServer {
  let server: MotoServer | undefined;
  before(async function () {
    this.timeout(STARTUP_TIMEOUT_MS + 5_000);
    try {
      server = await motoServer();
    } catch (error) {
      if (error instanceof MotoUnavailable && reportedMissing) this.skip();
      reportedMissing = true;
      throw error;
    }
  });
  beforeEach(async () => {
    await resetMoto(server!);
  });
  return () => {
    if (!server) throw new Error("useMoto: the server is not started (call it inside a test)");
    return server;
  };
}

/** Client configuration for one region of moto, with the given (or static) credentials. */
export function clientConfig(
  server: MotoServer,
  region: string,
  credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  } = STATIC_CREDENTIALS,
) {
  return { endpoint: server.endpoint, region, credentials, maxAttempts: 2 };
}

export interface AccountCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * Credentials whose calls land in `account`: moto answers an STS AssumeRole into any account's
 * role, and files every later call made with those credentials under that account.
 */
export async function credentialsIn(
  server: MotoServer,
  account: string,
  roleName = "moto-harness",
): Promise<AccountCredentials> {
  const sts = new STSClient(clientConfig(server, "us-east-1"));
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/${roleName}`,
      RoleSessionName: "moto-harness",
    }),
  );
  const c = out.Credentials!;
  return {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
}
