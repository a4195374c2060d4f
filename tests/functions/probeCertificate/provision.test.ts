import { strict as assert } from "assert";
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  DeleteCertificateCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
} from "@aws-sdk/client-iot";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { handler } from "../../../functions/probeCertificate/handler";
import {
  DELETE_BACKOFF,
  IssuedCertificate,
  ProbeIotPort,
  ProbeRequest,
  SecretWriterPort,
  parseEvent,
  provisionProbe,
} from "../../../functions/probeCertificate/provision";

const REQUEST: ProbeRequest = {
  thingName: "iot-dr-health-probe",
  policyName: "iot-dr-health-probe-eu-west-1",
  secretId: "arn:aws:secretsmanager:eu-west-1:222222222222:secret:iot-dr/health/probe-AbCdEf",
  clientId: "iot-dr-health-probe",
  topic: "iot-dr/health/iot-dr-health-probe",
};
const certArn = (n: number) =>
  `arn:aws:iot:eu-west-1:222222222222:cert/${String(n).repeat(64).slice(0, 64)}`;
const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----\n";

/** IoT and Secrets Manager as the calls leave them, with the order of every call. */
class FakeAws implements ProbeIotPort, SecretWriterPort {
  calls: string[] = [];
  principals: string[];
  secret?: string;
  /** DeleteCertificate attempts refused per certificate before its detach has propagated. */
  conflictsBeforeDetached = 0;
  private refused = new Map<string, number>();
  constructor(existing: string[]) {
    this.principals = [...existing];
  }
  createKeysAndCertificate(): Promise<IssuedCertificate> {
    this.calls.push("create");
    const arn = certArn(9);
    return Promise.resolve({
      certificateArn: arn,
      certificateId: arn.split("/")[1],
      certificatePem: "-----BEGIN CERTIFICATE-----\nnew\n-----END CERTIFICATE-----\n",
      privateKey: KEY,
    });
  }
  attachPolicy(policy: string, arn: string): Promise<void> {
    this.calls.push(`attachPolicy ${policy} ${arn}`);
    return Promise.resolve();
  }
  attachThingPrincipal(thing: string, arn: string): Promise<void> {
    this.calls.push(`attachThing ${thing} ${arn}`);
    this.principals.push(arn);
    return Promise.resolve();
  }
  thingPrincipals(): Promise<string[]> {
    return Promise.resolve([...this.principals]);
  }
  detachThingPrincipal(thing: string, arn: string): Promise<void> {
    this.calls.push(`detachThing ${thing} ${arn}`);
    this.principals = this.principals.filter((p) => p !== arn);
    return Promise.resolve();
  }
  detachPolicy(policy: string, arn: string): Promise<void> {
    this.calls.push(`detachPolicy ${policy} ${arn}`);
    return Promise.resolve();
  }
  deactivateCertificate(id: string): Promise<void> {
    this.calls.push(`deactivate ${id}`);
    return Promise.resolve();
  }
  deleteCertificate(id: string): Promise<void> {
    const refused = this.refused.get(id) ?? 0;
    if (refused < this.conflictsBeforeDetached) {
      this.refused.set(id, refused + 1);
      this.calls.push(`delete refused ${id}`);
      const error = new Error(`Certificate ${id} is still attached to a thing`);
      error.name = "DeleteConflictException";
      return Promise.reject(error);
    }
    this.calls.push(`delete ${id}`);
    return Promise.resolve();
  }
  putSecretString(_id: string, value: string): Promise<void> {
    this.calls.push("putSecret");
    this.secret = value;
    return Promise.resolve();
  }
}

describe("probe certificate provisioning", () => {
  it("issues a certificate, attaches it before the secret names it, then retires the old one", async () => {
    const aws = new FakeAws([certArn(1)]);
    const result = await provisionProbe("update", REQUEST, { iot: aws, secrets: aws });
    const id = (n: number) => certArn(n).split("/")[1];
    assert.deepEqual(aws.calls, [
      "create",
      `attachPolicy ${REQUEST.policyName} ${certArn(9)}`,
      `attachThing ${REQUEST.thingName} ${certArn(9)}`,
      "putSecret",
      `detachThing ${REQUEST.thingName} ${certArn(1)}`,
      `detachPolicy ${REQUEST.policyName} ${certArn(1)}`,
      `deactivate ${id(1)}`,
      `delete ${id(1)}`,
    ]);
    assert.deepEqual(JSON.parse(aws.secret ?? "{}"), {
      clientId: REQUEST.clientId,
      topic: REQUEST.topic,
      certificatePem: "-----BEGIN CERTIFICATE-----\nnew\n-----END CERTIFICATE-----\n",
      privateKey: KEY,
    });
    assert.deepEqual(result, { certificateArn: certArn(9), retired: [certArn(1)] });
    assert.deepEqual(aws.principals, [certArn(9)]);
  });

  it("retires every certificate of the probe thing on delete, and issues none", async () => {
    const aws = new FakeAws([certArn(1), certArn(2)]);
    const result = await provisionProbe("delete", REQUEST, { iot: aws, secrets: aws });
    assert.deepEqual(result, { certificateArn: null, retired: [certArn(1), certArn(2)] });
    assert.ok(!aws.calls.includes("create") && !aws.calls.includes("putSecret"));
    assert.deepEqual(aws.principals, []);
  });

  it("retries DeleteCertificate with growing, jittered waits until the asynchronous detach has propagated", async () => {
    const aws = new FakeAws([certArn(1)]);
    aws.conflictsBeforeDetached = 3;
    const waits: number[] = [];
    const result = await provisionProbe("delete", REQUEST, {
      iot: aws,
      secrets: aws,
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
      random: () => 0.999,
    });
    assert.deepEqual(result.retired, [certArn(1)]);
    assert.equal(aws.calls.filter((c) => c.startsWith("delete refused")).length, 3);
    assert.equal(aws.calls.at(-1), `delete ${certArn(1).split("/")[1]}`);
    assert.deepEqual(waits, [499, 999, 1998]);
  });

  it("gives up after its last attempt, and does not retry an error other than the conflict", async () => {
    const stuck = new FakeAws([certArn(1)]);
    stuck.conflictsBeforeDetached = 100;
    let waits = 0;
    const ports = { iot: stuck, secrets: stuck, sleep: () => (waits++, Promise.resolve()) };
    await assert.rejects(provisionProbe("delete", REQUEST, ports), /DeleteConflict|still attached/);
    assert.equal(waits, DELETE_BACKOFF.attempts - 1);

    const denied = new FakeAws([certArn(1)]);
    denied.deleteCertificate = () => Promise.reject(new Error("AccessDenied"));
    waits = 0;
    await assert.rejects(
      provisionProbe("delete", REQUEST, { ...ports, iot: denied, secrets: denied }),
      /AccessDenied/,
    );
    assert.equal(waits, 0);
  });

  it("reads the lifecycle action Pulumi adds, and refuses an input without a name it needs", () => {
    assert.equal(parseEvent({ ...REQUEST, tf: { action: "delete" } }).action, "delete");
    assert.equal(parseEvent({ ...REQUEST }).action, "create");
    assert.deepEqual(parseEvent({ ...REQUEST, tf: { action: "update" } }).request, REQUEST);
    assert.throws(() => parseEvent({ ...REQUEST, secretId: "" }), /lacks secretId/);
    assert.throws(() => parseEvent({ ...REQUEST, tf: { action: "read" } }), /unknown lifecycle/);
  });

  describe("the handler over the AWS SDK", () => {
    const region = process.env.AWS_REGION;
    before(() => (process.env.AWS_REGION = "eu-west-1"));
    after(() => {
      if (region === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = region;
    });

    it("writes the key only to Secrets Manager and returns nothing Pulumi state could leak", async () => {
      const iot = mockClient(IoTClient);
      const secrets = mockClient(SecretsManagerClient);
      try {
        iot.on(CreateKeysAndCertificateCommand, { setAsActive: true }).resolves({
          certificateArn: certArn(9),
          certificateId: certArn(9).split("/")[1],
          certificatePem: "-----BEGIN CERTIFICATE-----\nnew\n-----END CERTIFICATE-----\n",
          keyPair: { PrivateKey: KEY, PublicKey: "public" },
        });
        iot
          .on(ListThingPrincipalsCommand)
          .resolvesOnce({ principals: [certArn(1)], nextToken: "page-2" })
          .resolvesOnce({ principals: [certArn(9)] });
        iot.on(AttachPolicyCommand).resolves({});
        iot.on(AttachThingPrincipalCommand).resolves({});
        iot.on(DetachThingPrincipalCommand).resolves({});
        iot.on(DetachPolicyCommand).resolves({});
        iot.on(UpdateCertificateCommand).resolves({});
        iot.on(DeleteCertificateCommand).resolves({});
        secrets.on(PutSecretValueCommand).resolves({});

        const result = await handler({ ...REQUEST, tf: { action: "create" } });

        assert.doesNotMatch(JSON.stringify(result), /PRIVATE KEY|MIIEfake/);
        assert.deepEqual(result, { certificateArn: certArn(9), retired: [certArn(1)] });
        const put = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input;
        assert.equal(put.SecretId, REQUEST.secretId);
        assert.equal(
          (JSON.parse(put.SecretString ?? "{}") as { privateKey?: string }).privateKey,
          KEY,
        );
        assert.deepEqual(iot.commandCalls(UpdateCertificateCommand)[0].args[0].input, {
          certificateId: certArn(1).split("/")[1],
          newStatus: "INACTIVE",
        });
        assert.equal(iot.commandCalls(DeleteCertificateCommand).length, 1);
      } finally {
        iot.restore();
        secrets.restore();
      }
    });
  });
});
