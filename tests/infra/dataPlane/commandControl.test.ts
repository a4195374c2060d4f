import { strict as assert } from "assert";
import { DEVICE_ROUTES } from "../../../infra/dataPlane/commandControl/deviceApi";
import { ofTypeIn, ownStack } from "../../support/ownStacks";
import { named, policyOf } from "./support";

const CC = "333333333333";
const IOT = "222222222222";
const SHARED = "111111111111";

for (const [stack, region] of [
  ["secondary", "eu-central-1"],
  ["primary", "eu-west-1"],
] as const) {
  describe(`command & control API of the ${stack} stack`, () => {
    it("is a REGIONAL REST API in command-control", async () => {
      const [api] = ofTypeIn(await ownStack(stack), "iotdr:cc:", "aws:apigateway/restApi:RestApi");
      assert.equal(api.account, CC);
      assert.equal(api.region, region);
      assert.deepEqual(api.revealedInputs.endpointConfiguration, { types: "REGIONAL" });
    });

    it("answers only on its custom domain: the default execute-api endpoint is disabled", async () => {
      const report = await ownStack(stack);
      const [api] = ofTypeIn(report, "iotdr:cc:", "aws:apigateway/restApi:RestApi");
      // With a custom domain in front, the default host name is a second way in that bypasses
      // the domain's TLS policy and the failover record (API Gateway: disableExecuteApiEndpoint).
      assert.equal(api.revealedInputs.disableExecuteApiEndpoint, true);
      const [domain] = ofTypeIn(report, "iotdr:cc:", "aws:apigateway/domainName:DomainName");
      assert.equal(domain.revealedInputs.domainName, "api.iot.example.com");
    });

    it("requires IAM authorization and request validation on every method of every route", async () => {
      const report = await ownStack(stack);
      const methods = ofTypeIn(report, "iotdr:cc:", "aws:apigateway/method:Method");
      const resources = ofTypeIn(report, "iotdr:cc:", "aws:apigateway/resource:Resource");
      const pathOf = (id: unknown) =>
        resources.find((r) => r.revealedState.resourceId === id)?.revealedState.path;
      const [validator] = ofTypeIn(
        report,
        "iotdr:cc:",
        "aws:apigateway/requestValidator:RequestValidator",
      );
      assert.equal(validator.revealedInputs.validateRequestBody, true);
      assert.equal(validator.revealedInputs.validateRequestParameters, true);
      assert.deepEqual(
        methods
          .map(
            (m) =>
              `${String(m.revealedInputs.httpMethod)} ${String(pathOf(m.revealedInputs.resourceId))}`,
          )
          .sort(),
        DEVICE_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
      );
      for (const method of methods) {
        assert.equal(method.revealedInputs.authorization, "AWS_IAM", method.name);
        assert.equal(method.revealedInputs.requestValidatorId, validator.revealedState.validatorId);
      }
    });

    it("throttles every method and writes JSON access logs to its own log group", async () => {
      const report = await ownStack(stack);
      const [settings] = ofTypeIn(
        report,
        "iotdr:cc:",
        "aws:apigateway/methodSettings:MethodSettings",
      );
      assert.equal(settings.revealedInputs.methodPath, "*/*");
      const s = settings.revealedInputs.settings as Record<string, unknown>;
      assert.equal(s.throttlingRateLimit, 50);
      assert.equal(s.throttlingBurstLimit, 100);
      const [stage] = ofTypeIn(report, "iotdr:cc:", "aws:apigateway/stage:Stage");
      const logs = named(report.resources, "command-control-access-logs");
      const access = stage.revealedInputs.accessLogSettings as {
        destinationArn: string;
        format: string;
      };
      assert.equal(access.destinationArn, logs.revealedState.arn);
      assert.equal(
        (JSON.parse(access.format) as Record<string, string>).requestId,
        "$context.requestId",
      );
      // API Gateway's account settings are one per account and region, shared with the health API.
      const [account] = ofTypeIn(report, "iotdr:health:", "aws:apigateway/account:Account").filter(
        (a) => a.account === CC,
      );
      assert.match(
        String(account.revealedInputs.cloudwatchRoleArn),
        new RegExp(`^arn:aws:iam::${CC}:role/`),
      );
    });

    it("serves the API domain with a certificate validated in the shared-services zone", async () => {
      const report = await ownStack(stack);
      const [domain] = ofTypeIn(report, "iotdr:cc:", "aws:apigateway/domainName:DomainName");
      assert.equal(domain.account, CC);
      assert.equal(domain.revealedInputs.domainName, "api.iot.example.com");
      assert.deepEqual(domain.revealedInputs.endpointConfiguration, { types: "REGIONAL" });
      const [certificate] = ofTypeIn(report, "iotdr:cc:", "aws:acm/certificate:Certificate");
      assert.equal(certificate.region, region);
      assert.equal(domain.revealedInputs.regionalCertificateArn, certificate.revealedState.arn);
      const records = ofTypeIn(report, "iotdr:cc:", "aws:route53/record:Record").filter((r) =>
        String(r.revealedInputs.name).includes("api.iot.example.com"),
      );
      const [option] = certificate.revealedState.domainValidationOptions as Record<
        string,
        string
      >[];
      const validation = records.find((r) => r.revealedInputs.name === option.resourceRecordName);
      assert.ok(validation);
      assert.equal(validation.account, SHARED);
      assert.equal(validation.revealedInputs.zoneId, "Z0PLACEHOLDER00000000");
      assert.equal(validation.revealedInputs.allowOverwrite, true);
      const [mapping] = ofTypeIn(
        report,
        "iotdr:cc:",
        "aws:apigateway/basePathMapping:BasePathMapping",
      );
      assert.equal(mapping.revealedInputs.domainName, "api.iot.example.com");
      assert.equal(mapping.revealedInputs.stageName, "v1");
    });

    it("exports the domain target the failover records point at", async () => {
      const report = await ownStack(stack);
      const [domain] = ofTypeIn(report, "iotdr:cc:", "aws:apigateway/domainName:DomainName");
      assert.deepEqual(report.outputs.commandControlDomainTarget, {
        name: domain.revealedState.regionalDomainName,
        zoneId: domain.revealedState.regionalZoneId,
      });
    });

    it("runs the handler under its fixed role name, allowed to assume only the access role", async () => {
      const report = await ownStack(stack);
      const role = named(report.resources, "command-control-api-role");
      assert.equal(role.revealedInputs.name, `iot-dr-cc-api-${region}`);
      const { Statement } = policyOf(named(report.resources, "command-control-api-policy"));
      const assume = Statement.find((s) => s.Action.includes("sts:AssumeRole"));
      assert.deepEqual(assume?.Resource, [
        `arn:aws:iam::${IOT}:role/iot-dr-command-control-access`,
      ]);
    });
  });
}

describe("command & control access role in iot-services", () => {
  it("is created once, by the secondary stack", async () => {
    const roles = (stack: "primary" | "secondary") =>
      ownStack(stack).then((r) =>
        r.resources.filter(
          (x) =>
            x.type === "aws:iam/role:Role" &&
            x.revealedInputs.name === "iot-dr-command-control-access",
        ),
      );
    assert.equal((await roles("secondary")).length, 1);
    assert.equal((await roles("primary")).length, 0);
    assert.equal((await roles("secondary"))[0].account, IOT);
  });

  it("trusts only the API and health handler roles of command-control, with the external id", async () => {
    const report = await ownStack("secondary");
    const role = named(report.resources, "command-control-access-role");
    const { Statement } = policyOf(role, "assumeRolePolicy");
    assert.equal(Statement.length, 1);
    assert.deepEqual(Statement[0].Principal, { AWS: [`arn:aws:iam::${CC}:root`] });
    assert.deepEqual(Statement[0].Condition?.ArnEquals, {
      "aws:PrincipalArn": [
        `arn:aws:iam::${CC}:role/iot-dr-cc-api-eu-west-1`,
        `arn:aws:iam::${CC}:role/iot-dr-cc-api-eu-central-1`,
        `arn:aws:iam::${CC}:role/iot-dr-cc-health-eu-west-1`,
        `arn:aws:iam::${CC}:role/iot-dr-cc-health-eu-central-1`,
      ],
    });
    const externalId = Statement[0].Condition?.StringEquals["sts:ExternalId"];
    assert.equal(
      externalId,
      "offline-plan-placeholder-for-iot-dr-command-control-access-role-externalid",
    );
    // Read from the operator's secret: never printed.
    assert.doesNotMatch(JSON.stringify(role.inputs), /offline-plan-placeholder/);
  });

  it("may write only the registry tables of both regions, see their status and read IoT", async () => {
    const report = await ownStack("secondary");
    const { Statement } = policyOf(named(report.resources, "command-control-access-policy"));
    const registry = Statement.find((s) => s.Sid === "WriteRegistry");
    assert.deepEqual(registry?.Action, ["dynamodb:PutItem", "dynamodb:UpdateItem"]);
    const reads = Statement.find((s) => s.Sid === "ReadRegistry");
    assert.deepEqual(reads?.Resource, registry?.Resource);
    assert.deepEqual(registry?.Resource, [
      `arn:aws:dynamodb:eu-west-1:${IOT}:table/iot-dr-registry-rows`,
      `arn:aws:dynamodb:eu-central-1:${IOT}:table/iot-dr-registry-rows`,
    ]);
    const health = Statement.find((s) => s.Sid === "HealthSeesRegistry");
    assert.deepEqual(health?.Action, ["dynamodb:DescribeTable"]);
    assert.deepEqual(health?.Resource, registry?.Resource);
    const iot = Statement.find((s) => s.Sid === "ReadIotForStatus");
    assert.ok(
      iot?.Action.every((a) => /^iot:(Describe|List)/.test(a)),
      String(iot?.Action),
    );
    const certificates = Statement.find((s) => s.Sid === "ReadCertificatesForStatus");
    assert.deepEqual(certificates?.Action, ["iot:DescribeCertificate"]);
    const cas = Statement.find((s) => s.Sid === "ReadCaCertificatesForOnboarding");
    assert.deepEqual(cas?.Action, ["iot:DescribeCACertificate"]);
    // Registry reads and writes, DescribeTable for the health check, thing, certificate and CA reads.
    assert.equal(Statement.length, 6);
  });

  // Service Authorization Reference, AWS IoT: the thing reads are authorized against `thing`,
  // DescribeCertificate against `cert`; each gets only its own type's ARNs.
  it("reads things on thing ARNs and certificates on certificate ARNs, in both regions", async () => {
    const report = await ownStack("secondary");
    const { Statement } = policyOf(named(report.resources, "command-control-access-policy"));
    const arns = (type: string) =>
      ["eu-west-1", "eu-central-1"].map((r) => `arn:aws:iot:${r}:${IOT}:${type}/*`);
    const resourcesOf = (action: string) =>
      Statement.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource ?? []);
    for (const action of ["iot:DescribeThing", "iot:ListThingPrincipals"]) {
      assert.deepEqual(resourcesOf(action), arns("thing"), action);
    }
    assert.deepEqual(resourcesOf("iot:DescribeCertificate"), arns("cert"));
  });
});
