/**
 * The health probe's certificate, issued and retired inside AWS. CreateKeysAndCertificate hands
 * the private key to its caller once; this function is that caller and writes the key straight to
 * Secrets Manager, so the key never passes through the Pulumi program, its state or its outputs.
 * Pulumi invokes it at deploy (`aws.lambda.Invocation`, lifecycle CRUD): create and update issue a
 * new certificate and retire the others, delete retires them all.
 */

/** What the function is asked to do; all names, no secrets. */
export interface ProbeRequest {
  thingName: string;
  policyName: string;
  /** ARN of the secret the health check reads (`{clientId, topic, certificatePem, privateKey}`). */
  secretId: string;
  clientId: string;
  topic: string;
}

export type LifecycleAction = "create" | "update" | "delete";

/** A new certificate as IoT returns it: the key exists only in this value, in this function. */
export interface IssuedCertificate {
  certificateArn: string;
  certificateId: string;
  certificatePem: string;
  privateKey: string;
}

/** The few IoT calls the function makes. */
export interface ProbeIotPort {
  createKeysAndCertificate(): Promise<IssuedCertificate>;
  attachPolicy(policyName: string, certificateArn: string): Promise<void>;
  attachThingPrincipal(thingName: string, certificateArn: string): Promise<void>;
  /** ARNs of the principals attached to the thing. */
  thingPrincipals(thingName: string): Promise<string[]>;
  detachThingPrincipal(thingName: string, certificateArn: string): Promise<void>;
  detachPolicy(policyName: string, certificateArn: string): Promise<void>;
  deactivateCertificate(certificateId: string): Promise<void>;
  deleteCertificate(certificateId: string): Promise<void>;
}

/**
 * Waits between DeleteCertificate attempts. DetachThingPrincipal is asynchronous ("it might take
 * several seconds for the detachment to propagate",
 * https://docs.aws.amazon.com/iot/latest/apireference/API_DetachThingPrincipal.html), and until it
 * has, DeleteCertificate refuses with DeleteConflictException. Full-jitter exponential back-off
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"): up to 0.5, 1, 2, 4, 8, 8, 8 s, about
 * 31 s at worst, inside the function's 60 s timeout.
 */
export const DELETE_BACKOFF = { baseMs: 500, capMs: 8_000, attempts: 8 };

export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True for IoT's refusal to delete a certificate that is still attached. */
function isDeleteConflict(error: unknown): boolean {
  return (error as { name?: unknown })?.name === "DeleteConflictException";
}

/** DeleteCertificate, retried while the detach has not propagated; other errors end at once. */
async function deleteWhenDetached(
  iot: ProbeIotPort,
  certificateId: string,
  sleep: Sleep,
  random: () => number,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await iot.deleteCertificate(certificateId);
      return;
    } catch (error) {
      if (!isDeleteConflict(error) || attempt >= DELETE_BACKOFF.attempts) throw error;
      const ceiling = Math.min(DELETE_BACKOFF.capMs, DELETE_BACKOFF.baseMs * 2 ** (attempt - 1));
      await sleep(Math.max(1, Math.floor(random() * ceiling)));
    }
  }
}

export interface SecretWriterPort {
  putSecretString(secretId: string, value: string): Promise<void>;
}

/** What the function returns, and so what Pulumi keeps in state: never the key. */
export interface ProbeResult {
  certificateArn: string | null;
  retired: string[];
}

/** `arn:<partition>:iot:<region>:<account>:cert/<id>` -> `<id>`. */
export function certificateIdOf(arn: string): string {
  const match = /:cert\/([0-9a-f]{64})$/.exec(arn);
  if (!match) throw new Error(`not an IoT certificate ARN: ${arn}`);
  return match[1];
}

/**
 * Detaches, deactivates and deletes the certificates attached to the thing, except `keep`.
 * Only certificates attached to the probe thing are touched: no other certificate is ever named.
 */
async function retireOthers(
  request: ProbeRequest,
  iot: ProbeIotPort,
  keep: string | null,
  wait: { sleep: Sleep; random: () => number },
): Promise<string[]> {
  const principals = await iot.thingPrincipals(request.thingName);
  const retired: string[] = [];
  for (const arn of principals) {
    if (arn === keep || !/:cert\//.test(arn)) continue;
    const id = certificateIdOf(arn);
    await iot.detachThingPrincipal(request.thingName, arn);
    await iot.detachPolicy(request.policyName, arn);
    // DeleteCertificate refuses an ACTIVE certificate.
    await iot.deactivateCertificate(id);
    await deleteWhenDetached(iot, id, wait.sleep, wait.random);
    retired.push(arn);
  }
  return retired;
}

/**
 * Create and update: the new certificate is attached before the secret names it, and the old ones
 * are retired only after, so the health check always finds a working certificate in the secret.
 */
export async function provisionProbe(
  action: LifecycleAction,
  request: ProbeRequest,
  ports: { iot: ProbeIotPort; secrets: SecretWriterPort; sleep?: Sleep; random?: () => number },
): Promise<ProbeResult> {
  const wait = { sleep: ports.sleep ?? realSleep, random: ports.random ?? Math.random };
  if (action === "delete") {
    return { certificateArn: null, retired: await retireOthers(request, ports.iot, null, wait) };
  }
  const issued = await ports.iot.createKeysAndCertificate();
  await ports.iot.attachPolicy(request.policyName, issued.certificateArn);
  await ports.iot.attachThingPrincipal(request.thingName, issued.certificateArn);
  await ports.secrets.putSecretString(
    request.secretId,
    JSON.stringify({
      clientId: request.clientId,
      topic: request.topic,
      certificatePem: issued.certificatePem,
      privateKey: issued.privateKey,
    }),
  );
  const retired = await retireOthers(request, ports.iot, issued.certificateArn, wait);
  return { certificateArn: issued.certificateArn, retired };
}

/** The Invocation's event: the request plus Pulumi's lifecycle key (`tf` unless renamed). */
export function parseEvent(event: unknown): { action: LifecycleAction; request: ProbeRequest } {
  const record = (event ?? {}) as Record<string, unknown>;
  const lifecycle = (record.tf ?? {}) as { action?: unknown };
  // Without lifecycle information (CREATE_ONLY scope) every invocation is a creation.
  const action = lifecycle.action ?? "create";
  if (action !== "create" && action !== "update" && action !== "delete") {
    throw new Error(`unknown lifecycle action ${JSON.stringify(action)}`);
  }
  const request = {} as Record<string, string>;
  for (const key of ["thingName", "policyName", "secretId", "clientId", "topic"]) {
    const value = record[key];
    if (typeof value !== "string" || !value) {
      throw new Error(`the invocation input lacks ${key}`);
    }
    request[key] = value;
  }
  return { action, request: request as unknown as ProbeRequest };
}
