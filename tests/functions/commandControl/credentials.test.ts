import { strict as assert } from "assert";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { AccessRoleCredentials } from "../../../functions/commandControl/credentials";

const ROLE = "arn:aws:iam::222222222222:role/iot-dr-command-control-access";
const SECRET = "iot-dr/command-control/access-role-externalid";
let sts: AwsClientStub<STSClient>;
let secrets: AwsClientStub<SecretsManagerClient>;

function expiring(inMs: number) {
  return {
    Credentials: {
      AccessKeyId: "ASIAEXAMPLE",
      SecretAccessKey: "secret",
      SessionToken: "token",
      Expiration: new Date(1_800_000_000_000 + inMs),
    },
  };
}

function credentials() {
  return new AccessRoleCredentials(
    { roleArn: ROLE, externalIdSecret: SECRET, sessionName: "command-control-eu-west-1" },
    new STSClient({ region: "eu-west-1" }),
    new SecretsManagerClient({ region: "eu-west-1" }),
    () => 1_800_000_000_000,
  );
}

describe("command & control access role assumption", () => {
  // Made when the suite runs, not when mocha loads the file: mocking a class undoes any earlier
  // mock of it, so a load-time mock is lost to every suite that mocks the class before this one.
  before(() => (sts = mockClient(STSClient)));
  after(() => sts.restore());
  before(() => (secrets = mockClient(SecretsManagerClient)));
  after(() => secrets.restore());
  beforeEach(() => {
    sts.reset();
    secrets.reset();
  });

  it("assumes the iot-services role with the external id read from the operator's secret", async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET })
      .resolves({ SecretString: "the-external-id" });
    sts.on(AssumeRoleCommand).resolves(expiring(3600_000));
    const result = await credentials().get();
    assert.equal(result.accessKeyId, "ASIAEXAMPLE");
    const calls = sts.commandCalls(AssumeRoleCommand);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].args[0].input, {
      RoleArn: ROLE,
      RoleSessionName: "command-control-eu-west-1",
      ExternalId: "the-external-id",
      DurationSeconds: 3600,
    });
  });

  it("reuses the session until five minutes before it expires, reading the secret once", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "the-external-id" });
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(expiring(3600_000))
      .resolves(expiring(4 * 60_000));
    const provider = credentials();
    await provider.get();
    await provider.get();
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 1);
    assert.equal(secrets.commandCalls(GetSecretValueCommand).length, 1);
  });

  it("renews a session that expires within five minutes", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "the-external-id" });
    sts.on(AssumeRoleCommand).resolves(expiring(4 * 60_000));
    const provider = credentials();
    await provider.get();
    await provider.get();
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 2);
  });

  it("refuses to assume the role without an external id, naming the secret", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "" });
    await assert.rejects(
      credentials().get(),
      /secret iot-dr\/command-control\/access-role-externalid holds no external id/,
    );
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 0);
  });

  // The trust holds the secret's value as stored; trimming it here broke the API silently.
  it("refuses an external id with a trailing newline instead of trimming it, naming the secret", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "the-external-id\n" });
    await assert.rejects(
      credentials().get(),
      /secret iot-dr\/command-control\/access-role-externalid holds an external id with surrounding whitespace/,
    );
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 0);
  });
});
