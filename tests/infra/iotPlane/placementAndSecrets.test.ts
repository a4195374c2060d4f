import { strict as assert } from "assert";
import { IOT_TLS_POLICY } from "../../../components/iotPlane/customDomain";
import { ofType, ownStack } from "../../support/ownStacks";
import { IOT_ACCOUNT, statementsOf, REGIONS, iotPlaneResources, jsonOf, named } from "./support";

const DOMAIN = "aws:iot/domainConfiguration:DomainConfiguration";

for (const [stack, region] of [
  ["secondary", REGIONS.secondary],
  ["primary", REGIONS.primary],
] as const) {
  describe(`placement of the IoT plane in the ${stack} stack`, () => {
    it("puts every IoT plane resource in iot-services, in the stack's region (IAM global)", async () => {
      const resources = iotPlaneResources(await ownStack(stack));
      assert.ok(resources.length > 50, `only ${resources.length} resources found`);
      for (const r of resources) {
        if (r.type === "aws:route53/record:Record") continue;
        assert.equal(r.account, IOT_ACCOUNT, r.urn);
        assert.equal(r.region, r.type.startsWith("aws:iam/") ? "global" : region, r.urn);
      }
    });

    it("writes the certificate's validation record in the shared-services zone, overwriting", async () => {
      const record = named(await ownStack(stack), "iot-plane-iot-domain-validation");
      assert.equal(record.account, "111111111111");
      assert.equal(record.revealedInputs.zoneId, "Z0PLACEHOLDER00000000");
      assert.equal(record.revealedInputs.allowOverwrite, true);
      assert.equal(record.revealedInputs.type, "CNAME");
    });

    it("serves the devices' domain as a DATA domain configuration on a validated certificate", async () => {
      const report = await ownStack(stack);
      const [domain] = ofType(report, DOMAIN);
      assert.equal(domain.region, region);
      assert.equal(domain.revealedInputs.name, "iot-dr-devices");
      assert.equal(domain.revealedInputs.domainName, "iot.example.com");
      assert.equal(domain.revealedInputs.serviceType, "DATA");
      assert.deepEqual(domain.revealedInputs.tlsConfig, { securityPolicy: IOT_TLS_POLICY });
      const cert = named(report, "iot-plane-iot-domain-cert");
      assert.equal(cert.region, region);
      assert.deepEqual(domain.revealedInputs.serverCertificateArns, [cert.revealedState.arn]);
      assert.equal(
        named(report, "iot-plane-iot-domain-validated").revealedInputs.certificateArn,
        cert.revealedState.arn,
      );
    });

    it("exports this region's iot:Data-ATS endpoint as the failover target", async () => {
      assert.equal(
        (await ownStack(stack)).outputs.iotDomainTarget,
        `a2222offline-ats.iot.${region}.amazonaws.com`,
      );
    });

    it("lets the probe connect as itself and use only its own health topic", async () => {
      const report = await ownStack(stack);
      const policy = { Statement: statementsOf(named(report, "iot-plane-health-probe-policy")) };
      const iot = `arn:aws:iot:${region}:${IOT_ACCOUNT}`;
      assert.deepEqual(
        policy.Statement.map((s) => [s.Action, s.Resource]),
        [
          [["iot:Connect"], [`${iot}:client/iot-dr-health-probe`]],
          [["iot:Publish", "iot:Receive"], [`${iot}:topic/iot-dr/health/iot-dr-health-probe`]],
          [["iot:Subscribe"], [`${iot}:topicfilter/iot-dr/health/iot-dr-health-probe`]],
          // The probe rule's copy: subscribe and receive only.
          [["iot:Receive"], [`${iot}:topic/iot-dr/health/iot-dr-health-probe/rules`]],
          [["iot:Subscribe"], [`${iot}:topicfilter/iot-dr/health/iot-dr-health-probe/rules`]],
        ],
      );
      // Its certificate is issued and attached by the issuer function, at deploy, to exactly
      // this thing and this policy; Pulumi only invokes it, on create, update and delete.
      const invocation = named(report, "iot-plane-health-probe-certificate");
      assert.equal(invocation.type, "aws:lambda/invocation:Invocation");
      assert.equal(invocation.revealedInputs.lifecycleScope, "CRUD");
      const issuer = named(
        report,
        "iot-plane-health-probe-issuer-fn",
        "aws:lambda/function:Function",
      );
      assert.equal(invocation.revealedInputs.functionName, issuer.revealedState.name);
      assert.deepEqual(jsonOf(invocation.revealedInputs.input), {
        thingName: named(report, "iot-plane-health-probe-thing").revealedInputs.name,
        policyName: named(report, "iot-plane-health-probe-policy").revealedInputs.name,
        secretId: named(report, "iot-plane-health-probe-secret").revealedState.arn,
        clientId: "iot-dr-health-probe",
        topic: "iot-dr/health/iot-dr-health-probe",
      });
    });

    it("keeps the probe's key in a KMS-encrypted secret, never in outputs or printed inputs", async () => {
      const report = await ownStack(stack);
      const secret = named(report, "iot-plane-health-probe-secret");
      assert.equal(secret.revealedInputs.name, "iot-dr/health/probe");
      assert.equal(
        secret.revealedInputs.kmsKeyId,
        named(report, "iot-plane-key").revealedState.arn,
      );
      // No value in the program: only the issuer function writes one, and may do nothing else.
      assert.equal(
        report.resources
          .filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")
          .filter((r) => r.revealedInputs.secretId === secret.revealedState.arn).length,
        0,
      );
      const issuerPolicy = statementsOf(named(report, "iot-plane-health-probe-issuer-policy"));
      const writes = issuerPolicy.filter((st) =>
        st.Action.some((a) => a.startsWith("secretsmanager:")),
      );
      assert.deepEqual(
        writes.map((st) => [st.Action, st.Resource]),
        [[["secretsmanager:PutSecretValue"], [secret.revealedState.arn]]],
      );
      const kms = issuerPolicy.find((st) => st.Action.some((a) => a.startsWith("kms:")));
      assert.deepEqual(kms?.Resource, [secret.revealedInputs.kmsKeyId]);
      assert.deepEqual(kms?.Condition, {
        StringEquals: {
          "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
          "kms:EncryptionContext:SecretARN": secret.revealedState.arn,
        },
      });

      const printed = JSON.stringify([
        report.outputs,
        report.resources.map((r) => [r.inputs, r.state]),
      ]);
      assert.doesNotMatch(printed, /no private key exists in a plan/);
      assert.doesNotMatch(printed, /BEGIN CERTIFICATE/);
      assert.equal(report.outputs.probeSecretArn, secret.revealedState.arn);
      assert.equal(report.outputs.iotPlaneKeyArn, secret.revealedInputs.kmsKeyId);
    });
  });
}

describe("the IoT plane across the two stacks", () => {
  it("gives the domain configuration the same name and domain in both regions", async () => {
    const [secondary] = ofType(await ownStack("secondary"), DOMAIN);
    const [primary] = ofType(await ownStack("primary"), DOMAIN);
    assert.equal(secondary.revealedInputs.name, primary.revealedInputs.name);
    assert.equal(secondary.revealedInputs.domainName, primary.revealedInputs.domainName);
    assert.notEqual(secondary.region, primary.region);
  });
});
