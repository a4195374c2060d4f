/**
 * One region's IoT Core for the benchmark: enforces per-API rate quotas with token buckets (burst
 * of one second) and answers over-quota calls with a ThrottlingException shaped like the real
 * service's (HTTP 400, client fault). State is one byte of flags per device, so memory does not
 * depend on what the simulation keeps, only on N (and lives outside the JS heap).
 */
import { stateOfReads, type CaptureIotPort } from "../functions/capture/iot";
import type { Actual } from "../functions/reconciler/actual";
import type { IotCall } from "../functions/reconciler/calls";
import type { ReconcilerIotPort } from "../functions/reconciler/iot";
import { quotaOf } from "../functions/reconciler/quotas";
import type { Clock } from "../functions/shared/clock";
import type { Identity } from "../functions/shared/entities";
import type { AdaptiveRetry } from "./adaptiveRetry";
import {
  CERT,
  certOf,
  indexOfCert,
  indexOfPem,
  indexOfThing,
  POLICY,
  POLICY_ATTACHMENT,
  policyOf,
  PRINCIPAL_ATTACHMENT,
  THING,
  thingOf,
} from "./fleet";

const READ_APIS: Partial<Record<Identity["kind"], string[]>> = {
  thing: ["DescribeThing"],
  certificate: ["DescribeCertificate"],
  policy: ["GetPolicy", "ListPolicyVersions"],
  policyAttachment: ["ListAttachedPolicies"],
  principalAttachment: ["ListThingPrincipals"],
};

function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, attempts: 1 },
  });
}

export class BenchIot implements ReconcilerIotPort {
  readonly flags: Uint8Array;
  policyDocument: string | null = null;
  throttles = 0;
  calls = 0;
  mismatches = 0;
  private buckets = new Map<string, { tokens: number; at: number }>();
  /** Called when an entity of device n first exists here. */
  onCreate: (n: number, flag: number) => void = () => {};

  constructor(
    readonly region: string,
    n: number,
    private readonly clock: Clock,
    private readonly random: () => number,
  ) {
    this.flags = new Uint8Array(n);
  }

  /** Admission, then 20-50 ms of service time; over quota -> ThrottlingException. */
  private async api(name: string): Promise<void> {
    this.calls += 1;
    const quota = quotaOf(name);
    const now = this.clock.now();
    const bucket = this.buckets.get(name) ?? { tokens: quota, at: now };
    bucket.tokens = Math.min(quota, bucket.tokens + ((now - bucket.at) / 1000) * quota);
    bucket.at = now;
    this.buckets.set(name, bucket);
    const admitted = bucket.tokens >= 1;
    if (admitted) bucket.tokens -= 1;
    await this.clock.sleep(20 + this.random() * 30);
    if (!admitted) {
      this.throttles += 1;
      throw awsError("ThrottlingException", "Rate exceeded", 400);
    }
  }

  private set(n: number, flag: number): void {
    if (!(this.flags[n] & flag)) {
      this.flags[n] |= flag;
      this.onCreate(n, flag);
    }
  }

  async read(id: Identity): Promise<Actual | null> {
    for (const api of READ_APIS[id.kind] ?? ["Describe"]) await this.api(api);
    switch (id.kind) {
      case "thing": {
        const n = indexOfThing(id.thingName);
        return this.flags[n] & THING ? { ...thingOf(n), version: 1, principals: [] } : null;
      }
      case "certificate": {
        const n = indexOfCert(id.certificateId);
        return this.flags[n] & CERT ? { status: "ACTIVE", policies: [], things: [] } : null;
      }
      case "policy":
        return this.policyDocument
          ? {
              versions: [
                { versionId: "1", isDefault: true, createDate: 0, document: this.policyDocument },
              ],
              targets: [],
            }
          : null;
      case "policyAttachment":
        return { present: !!(this.flags[indexOfCert(id.target.id)] & POLICY_ATTACHMENT) };
      case "principalAttachment":
        return { present: !!(this.flags[indexOfThing(id.thingName)] & PRINCIPAL_ATTACHMENT) };
      default:
        throw new Error(`bench IoT: no ${id.kind} in this fleet`);
    }
  }

  async send(c: IotCall): Promise<void> {
    await this.api(c.api);
    switch (c.api) {
      case "CreateThing": {
        const n = indexOfThing(c.input.thingName!);
        const expected = thingOf(n).attributes;
        if (JSON.stringify(c.input.attributePayload?.attributes) !== JSON.stringify(expected))
          this.mismatches += 1;
        return this.set(n, THING);
      }
      case "RegisterCertificateWithoutCA": {
        const n = indexOfPem(c.input.certificatePem!);
        if (this.flags[n] & CERT)
          throw awsError("ResourceAlreadyExistsException", "certificate exists", 409);
        if (c.input.status !== "ACTIVE") this.mismatches += 1;
        return this.set(n, CERT);
      }
      case "CreatePolicy":
        if (this.policyDocument)
          throw awsError("ResourceAlreadyExistsException", "policy exists", 409);
        if (!c.input.policyDocument!.includes(`:${this.region}:`)) this.mismatches += 1;
        this.policyDocument = c.input.policyDocument!;
        return;
      case "AttachPolicy": {
        const n = indexOfCert(c.input.target!.split("/").pop()!);
        if (
          !this.policyDocument ||
          !(this.flags[n] & CERT) ||
          !c.input.target!.includes(`:${this.region}:`)
        ) {
          throw awsError("ResourceNotFoundException", "policy or certificate not found", 404);
        }
        return this.set(n, POLICY_ATTACHMENT);
      }
      case "AttachThingPrincipal": {
        const n = indexOfThing(c.input.thingName!);
        if (!(this.flags[n] & THING) || !(this.flags[n] & CERT)) {
          throw awsError("ResourceNotFoundException", "thing or principal not found", 404);
        }
        return this.set(n, PRINCIPAL_ATTACHMENT);
      }
      default:
        throw new Error(`bench IoT: unexpected ${c.api}`);
    }
  }

  issueFromCsr(): Promise<never> {
    return Promise.reject(new Error("bench IoT: no CSR onboarding in the benchmark"));
  }

  listNames(): Promise<{ names: string[] }> {
    return Promise.resolve({ names: [] });
  }

  /** Onboarding done by the operator in this region (its own quotas are not the subject here). */
  onboard(n: number): void {
    if (!this.policyDocument) this.policyDocument = policyOf().document;
    this.flags[n] = THING | CERT | POLICY_ATTACHMENT | PRINCIPAL_ATTACHMENT;
  }

  /** Capture's lookups, through the SDK-style adaptive retry of capture's client. */
  lookups(retry: AdaptiveRetry): CaptureIotPort {
    const reads: Omit<CaptureIotPort, "state"> = {
      thing: (name) =>
        retry.call(async () => {
          await this.api("DescribeThing");
          const n = indexOfThing(name);
          return this.flags[n] & THING ? thingOf(n) : null;
        }),
      certificate: (id) =>
        retry.call(async () => {
          await this.api("DescribeCertificate");
          const n = indexOfCert(id);
          return this.flags[n] & CERT ? certOf(n) : null;
        }),
      policy: (name) =>
        retry.call(async () => {
          await this.api("GetPolicy");
          return name === POLICY && this.policyDocument ? policyOf() : null;
        }),
      thingGroup: () => Promise.resolve(null),
      shadow: () => Promise.resolve(null),
      policyAttached: (_policy, target) =>
        retry.call(async () => {
          await this.api("ListAttachedPolicies");
          const id = target.slice(target.lastIndexOf("/") + 1);
          return !!(this.flags[indexOfCert(id)] & POLICY_ATTACHMENT);
        }),
      principalAttached: (thingName) =>
        retry.call(async () => {
          await this.api("ListThingPrincipals");
          return !!(this.flags[indexOfThing(thingName)] & PRINCIPAL_ATTACHMENT);
        }),
    };
    return { ...reads, state: (id, arn) => stateOfReads(reads, id, arn) };
  }

  /** The reconciler's port, every call through the SDK-style adaptive retry. */
  withRetry(retry: AdaptiveRetry): ReconcilerIotPort {
    return {
      read: (id) => retry.call(() => this.read(id)),
      send: (c) => retry.call(() => this.send(c)),
      listNames: () => this.listNames(),
      issueFromCsr: () => this.issueFromCsr(),
    };
  }
}
