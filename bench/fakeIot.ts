/**
 * One region's IoT Core for the benchmark. Enforces per-API rate quotas from its own table
 * (bench/iotQuotas.ts, not the reconciler's) with token buckets (one second of burst), answers
 * over-quota calls with a ThrottlingException shaped like the real service's, and can be told to
 * throttle a fraction of calls on top (a fault). State is typed arrays per device (outside the JS
 * heap), so memory depends on N only, not on what the simulation keeps. Every change is reported
 * as the events IoT would publish (registry events, CloudTrail calls) through `onEvent`.
 */
import { stateOfReads, type CaptureIotPort } from "../functions/capture/iot";
import type { CloudTrailEvent, RulePayload } from "../functions/capture/normalize";
import type { Actual } from "../functions/reconciler/actual";
import type { IotCall } from "../functions/reconciler/calls";
import type { ListedPage, ReconcilerIotPort } from "../functions/reconciler/iot";
import type { Clock } from "../functions/shared/clock";
import type { Identity } from "../core/entities";
import type { SdkRetry } from "./adaptiveRetry";
import {
  ACCOUNT,
  CERT,
  certId,
  certOf,
  genOf,
  indexOfCert,
  indexOfPem,
  indexOfThing,
  POLICY,
  POLICY_ATTACHMENT,
  policyOf,
  PRINCIPAL_ATTACHMENT,
  THING,
  thingName,
  thingOf,
} from "./fleet";
import { fakeQuotaOf } from "./iotQuotas";

const READ_APIS: Partial<Record<Identity["kind"], string[]>> = {
  thing: ["DescribeThing"],
  certificate: ["DescribeCertificate"],
  policy: ["GetPolicy", "ListPolicyVersions"],
  policyAttachment: ["ListAttachedPolicies"],
  principalAttachment: ["ListThingPrincipals"],
};

export function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, attempts: 1 },
  });
}

/** Who makes a call: CloudTrail names the role, so capture can tell the reconciler's echoes. */
export type Caller = string;

export class BenchIot {
  readonly flags: Uint8Array;
  /** Attribute generation of each thing. */
  readonly gen: Uint8Array;
  /** IoT's own thing version: restarts at 1 when a thing is recreated. */
  readonly thingVersion: Uint16Array;
  /** 0 ACTIVE, 1 INACTIVE. */
  readonly certStatus: Uint8Array;
  policyDocument: string | null = null;
  throttles = 0;
  calls = 0;
  /** Admitted calls per API, for the bound and the report. */
  readonly admitted = new Map<string, number>();
  mismatches = 0;
  /** Fraction of calls throttled whatever the quota (fault injection). */
  injectedThrottle = 0;
  private buckets = new Map<string, { tokens: number; at: number }>();
  /** Each change here, as IoT would publish it. */
  onEvent: (event: RulePayload | CloudTrailEvent) => void = () => {};
  /** Called when an entity of device n comes into existence here. */
  onCreate: (n: number, flag: number) => void = () => {};

  constructor(
    readonly region: string,
    n: number,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly wall: (virtual: number) => number,
  ) {
    this.flags = new Uint8Array(n);
    this.gen = new Uint8Array(n);
    this.thingVersion = new Uint16Array(n);
    this.certStatus = new Uint8Array(n);
  }

  /** Admission, then 20-50 ms of service time; over quota -> ThrottlingException. */
  private async api(name: string): Promise<void> {
    this.calls += 1;
    const quota = fakeQuotaOf(name);
    const now = this.clock.now();
    const bucket = this.buckets.get(name) ?? { tokens: quota, at: now };
    bucket.tokens = Math.min(quota, bucket.tokens + ((now - bucket.at) / 1000) * quota);
    bucket.at = now;
    this.buckets.set(name, bucket);
    const admitted = bucket.tokens >= 1 && !(this.random() < this.injectedThrottle);
    if (admitted) bucket.tokens -= 1;
    await this.clock.sleep(20 + this.random() * 30);
    if (!admitted) {
      this.throttles += 1;
      throw awsError("ThrottlingException", "Rate exceeded", 400);
    }
    this.admitted.set(name, (this.admitted.get(name) ?? 0) + 1);
  }

  private certArn(n: number): string {
    return `arn:aws:iot:${this.region}:${ACCOUNT}:cert/${certId(n)}`;
  }

  private set(n: number, flag: number): void {
    if (!(this.flags[n] & flag)) {
      this.flags[n] |= flag;
      this.onCreate(n, flag);
    }
  }

  private trail(caller: Caller, eventName: string, req: Record<string, unknown>, res = {}) {
    const event: CloudTrailEvent = {
      source: "aws.iot",
      "detail-type": "AWS API Call via CloudTrail",
      account: ACCOUNT,
      detail: {
        eventName,
        // CloudTrail's eventTime has whole seconds.
        eventTime: new Date(Math.floor(this.wall(this.clock.now()) / 1000) * 1000).toISOString(),
        recipientAccountId: ACCOUNT,
        userIdentity: { sessionContext: { sessionIssuer: { arn: caller } } },
        requestParameters: req,
        responseElements: res,
      },
    };
    this.onEvent(event);
  }

  private thingEvent(n: number, operation: "created" | "updated" | "deleted"): void {
    const at = this.wall(this.clock.now());
    this.onEvent({
      ...thingOf(n, this.gen[n]),
      topic: `$aws/events/thing/${thingName(n)}/${operation}`,
      eventType: "THING_EVENT",
      operation,
      receivedAt: at,
      timestamp: at,
      versionNumber: this.thingVersion[n],
    });
  }

  /** Each read API is one SDK call of the caller's client: retried and limited on its own. */
  async read(
    id: Identity,
    retry: SdkRetry | undefined,
    deleting = false,
    alive: () => boolean = () => true,
  ): Promise<Actual | null> {
    const call = (api: string) => {
      if (!alive()) throw awsError("Killed", "container killed", 400);
      return this.api(api);
    };
    for (const api of READ_APIS[id.kind] ?? ["Describe"]) {
      await (retry ? retry.call(api, () => call(api)) : call(api));
    }
    switch (id.kind) {
      case "thing": {
        const n = indexOfThing(id.thingName);
        if (!(this.flags[n] & THING)) return null;
        const { thingTypeName, attributes } = thingOf(n, this.gen[n]);
        const principals =
          deleting && this.flags[n] & PRINCIPAL_ATTACHMENT ? [this.certArn(n)] : [];
        return { thingTypeName, attributes, version: this.thingVersion[n], principals };
      }
      case "certificate": {
        const n = indexOfCert(id.certificateId);
        if (!(this.flags[n] & CERT)) return null;
        return {
          status: this.certStatus[n] ? "INACTIVE" : "ACTIVE",
          policies: deleting && this.flags[n] & POLICY_ATTACHMENT ? [POLICY] : [],
          things: deleting && this.flags[n] & PRINCIPAL_ATTACHMENT ? [thingName(n)] : [],
        };
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

  async send(c: IotCall, caller: Caller): Promise<void> {
    await this.api(c.api);
    const notFound = (what: string) => awsError("ResourceNotFoundException", what, 404);
    switch (c.api) {
      case "CreateThing": {
        const n = indexOfThing(c.input.thingName!);
        const gen = genOf(c.input.attributePayload?.attributes);
        if (Number.isNaN(gen)) this.mismatches += 1;
        if (this.flags[n] & THING) {
          // Idempotent when identical, as IoT's CreateThing is.
          if (this.gen[n] === gen) return;
          throw awsError("ResourceAlreadyExistsException", "thing exists", 409);
        }
        this.gen[n] = gen;
        this.thingVersion[n] = 1;
        this.set(n, THING);
        this.thingEvent(n, "created");
        return;
      }
      case "UpdateThing": {
        const n = indexOfThing(c.input.thingName!);
        if (!(this.flags[n] & THING)) throw notFound("thing not found");
        if (
          c.input.expectedVersion !== undefined &&
          c.input.expectedVersion !== this.thingVersion[n]
        ) {
          throw awsError("VersionConflictException", "version conflict", 409);
        }
        const attributes = c.input.attributePayload?.attributes;
        if (attributes) this.gen[n] = genOf(attributes);
        this.thingVersion[n] += 1;
        this.thingEvent(n, "updated");
        return;
      }
      case "DeleteThing": {
        const n = indexOfThing(c.input.thingName!);
        if (!(this.flags[n] & THING)) return;
        if (this.flags[n] & PRINCIPAL_ATTACHMENT) {
          throw awsError("InvalidRequestException", "detach principals first", 400);
        }
        this.flags[n] &= ~THING;
        this.thingEvent(n, "deleted");
        return;
      }
      case "RegisterCertificateWithoutCA": {
        const n = indexOfPem(c.input.certificatePem!);
        if (this.flags[n] & CERT)
          throw awsError("ResourceAlreadyExistsException", "certificate exists", 409);
        this.certStatus[n] = c.input.status === "ACTIVE" ? 0 : 1;
        this.set(n, CERT);
        this.trail(
          caller,
          "RegisterCertificateWithoutCA",
          { certificatePem: c.input.certificatePem, status: c.input.status },
          { certificateId: certId(n), certificateArn: this.certArn(n) },
        );
        return;
      }
      case "UpdateCertificate": {
        const n = indexOfCert(c.input.certificateId!);
        if (!(this.flags[n] & CERT)) throw notFound("certificate not found");
        this.certStatus[n] = c.input.newStatus === "ACTIVE" ? 0 : 1;
        this.trail(caller, "UpdateCertificate", {
          certificateId: c.input.certificateId,
          newStatus: c.input.newStatus,
        });
        return;
      }
      case "CreatePolicy":
        if (this.policyDocument)
          throw awsError("ResourceAlreadyExistsException", "policy exists", 409);
        if (!c.input.policyDocument!.includes(`:${this.region}:`)) this.mismatches += 1;
        this.policyDocument = c.input.policyDocument!;
        this.trail(caller, "CreatePolicy", {
          policyName: c.input.policyName,
          policyDocument: c.input.policyDocument,
        });
        return;
      case "AttachPolicy":
      case "DetachPolicy": {
        const n = indexOfCert(c.input.target!.split("/").pop()!);
        if (
          !this.policyDocument ||
          !(this.flags[n] & CERT) ||
          !c.input.target!.includes(`:${this.region}:`)
        ) {
          throw notFound("policy or certificate not found");
        }
        if (c.api === "AttachPolicy") this.set(n, POLICY_ATTACHMENT);
        else this.flags[n] &= ~POLICY_ATTACHMENT;
        this.trail(caller, c.api, { policyName: c.input.policyName, target: c.input.target });
        return;
      }
      case "AttachThingPrincipal":
      case "DetachThingPrincipal": {
        const n = indexOfThing(c.input.thingName!);
        if (!(this.flags[n] & THING) || !(this.flags[n] & CERT)) {
          throw notFound("thing or principal not found");
        }
        if (c.api === "AttachThingPrincipal") this.set(n, PRINCIPAL_ATTACHMENT);
        else this.flags[n] &= ~PRINCIPAL_ATTACHMENT;
        this.trail(caller, c.api, { thingName: c.input.thingName, principal: c.input.principal });
        return;
      }
      default:
        throw new Error(`bench IoT: unexpected ${c.api}`);
    }
  }

  /** ListCertificates: 250 a page (its largest pageSize), each with its status. */
  private async listCertificates(cursor?: string): Promise<ListedPage> {
    await this.api("ListCertificates");
    const names: string[] = [];
    const statuses: Record<string, string> = {};
    let n = cursor ? Number(cursor) : 0;
    for (; n < this.flags.length && names.length < 250; n++) {
      if (!(this.flags[n] & CERT)) continue;
      names.push(certId(n));
      statuses[certId(n)] = this.certStatus[n] ? "INACTIVE" : "ACTIVE";
    }
    return { names, statuses, ...(n < this.flags.length ? { cursor: String(n) } : {}) };
  }

  /** ListTargetsForPolicy of the fleet policy: 250 a page (its largest pageSize), certificate ARNs. */
  private async listTargets(cursor?: string): Promise<ListedPage> {
    await this.api("ListTargetsForPolicy");
    const names: string[] = [];
    let n = cursor ? Number(cursor) : 0;
    for (; n < this.flags.length && names.length < 250; n++) {
      if (this.flags[n] & POLICY_ATTACHMENT) names.push(this.certArn(n));
    }
    return { names, ...(n < this.flags.length ? { cursor: String(n) } : {}) };
  }

  /** A comparable digest of device n here: entities, generation, certificate status. */
  stateOf(n: number): number {
    return this.flags[n] | (this.gen[n] << 4) | (this.certStatus[n] << 12);
  }

  /** Capture's lookups, through the SDK's retry and per-API limiters of capture's client. */
  lookups(retry: SdkRetry): CaptureIotPort {
    const reads: Omit<CaptureIotPort, "state"> = {
      thing: (name) =>
        retry.call("DescribeThing", async () => {
          await this.api("DescribeThing");
          const n = indexOfThing(name);
          return this.flags[n] & THING ? thingOf(n, this.gen[n]) : null;
        }),
      certificate: (id) =>
        retry.call("DescribeCertificate", async () => {
          await this.api("DescribeCertificate");
          const n = indexOfCert(id);
          if (!(this.flags[n] & CERT)) return null;
          return certOf(n, this.certStatus[n] ? "INACTIVE" : "ACTIVE");
        }),
      policy: (name) =>
        retry.call("GetPolicy", async () => {
          await this.api("GetPolicy");
          return name === POLICY && this.policyDocument ? policyOf() : null;
        }),
      thingGroup: () => Promise.resolve(null),
      // The fleet's devices have no shadows.
      shadow: () =>
        retry.call("GetThingShadow", async () => {
          await this.api("GetThingShadow");
          return null;
        }),
      policyAttached: (_policy, target) =>
        retry.call("ListAttachedPolicies", async () => {
          await this.api("ListAttachedPolicies");
          const id = target.slice(target.lastIndexOf("/") + 1);
          return !!(this.flags[indexOfCert(id)] & POLICY_ATTACHMENT);
        }),
      principalAttached: (name) =>
        retry.call("ListThingPrincipals", async () => {
          await this.api("ListThingPrincipals");
          return !!(this.flags[indexOfThing(name)] & PRINCIPAL_ATTACHMENT);
        }),
    };
    return { ...reads, state: (id, arn) => stateOfReads(reads, id, arn) };
  }

  /**
   * A caller's port (the reconciler's, or an operator's), every call through the SDK's retry and
   * per-API limiters of its client. `alive` false makes every further call fail at once, and not
   * be retried: a killed container.
   */
  port(retry: SdkRetry, caller: Caller, alive: () => boolean = () => true): ReconcilerIotPort {
    const killed = () => Promise.reject(awsError("Killed", "container killed", 400));
    return {
      read: (id, _place, deleting) => this.read(id, retry, deleting, alive),
      send: (c) => retry.call(c.api, () => (alive() ? this.send(c, caller) : killed())),
      listNames: (kind, cursor) =>
        kind === "certificate"
          ? retry.call("ListCertificates", () => this.listCertificates(cursor))
          : kind === "policy"
            ? retry.call("ListPolicies", async () => {
                await this.api("ListPolicies");
                return { names: this.policyDocument ? [POLICY] : [] };
              })
            : Promise.resolve({ names: [] }),
      // Like listNames, which lists no things or groups here: a thing's principals and named
      // shadows (the fleet's devices have none), and the fleet policy's targets.
      listContained: (container, name, cursor) => {
        if (container === "thing") {
          return retry.call("ListThingPrincipals", async () => {
            await this.api("ListThingPrincipals");
            const n = indexOfThing(name);
            return { names: this.flags[n] & PRINCIPAL_ATTACHMENT ? [this.certArn(n)] : [] };
          });
        }
        if (container === "thingShadows") {
          return retry.call("ListNamedShadowsForThing", async () => {
            await this.api("ListNamedShadowsForThing");
            return { names: [] };
          });
        }
        if (container === "policy" && name === POLICY) {
          return retry.call("ListTargetsForPolicy", () => this.listTargets(cursor));
        }
        return Promise.resolve({ names: [] });
      },
      issueFromCsr: () =>
        Promise.reject(new Error("bench IoT: no CSR onboarding in the benchmark")),
    };
  }
}
