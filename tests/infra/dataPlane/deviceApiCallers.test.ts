import { strict as assert } from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
  DEVICE_ROUTES,
  STAGE_NAME,
  deviceApiPolicy,
} from "../../../infra/dataPlane/commandControl/deviceApi";
import { policyDocument } from "../../../components/iam/policyDocument";
import { ownStacks } from "../../support/ownStacks";
import { policyOf } from "../../support/plannedPolicies";

const API_ACCOUNT = "333333333333";

/** A caller whose own IAM allows every invoke: what decides is the API's resource policy. */
async function invokes(
  policy: Record<string, unknown>,
  callerArn: string,
  resource: string,
): Promise<boolean> {
  const account = callerArn.split(":")[4];
  const result = await runSimulation(
    {
      request: {
        principal: callerArn,
        action: "execute-api:Invoke",
        resource: { resource, accountId: resource.split(":")[4] },
        contextVariables: { "aws:PrincipalAccount": account, "aws:PrincipalArn": callerArn },
      },
      identityPolicies: [
        {
          name: "caller",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
          },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    {},
  );
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult === "Allowed";
}

const routeArns = (executionArn: string) =>
  DEVICE_ROUTES.map(
    (r) => `${executionArn}/${STAGE_NAME}/${r.method}${r.path.replace("{name}", "sensor-0001")}`,
  );

describe("the device API's resource policy names its callers", () => {
  it("lets principals of the API account call every route, and no other account's, as planned", async () => {
    let apis = 0;
    for (const report of await ownStacks()) {
      for (const api of report.resources.filter(
        (r) =>
          r.type === "aws:apigateway/restApi:RestApi" && r.revealedInputs.name === "iot-dr-devices",
      )) {
        apis += 1;
        const planned = report.resources.find(
          (r) =>
            r.type === "aws:apigateway/restApiPolicy:RestApiPolicy" &&
            String(api.revealedState.executionArn).endsWith(
              `:${String(r.revealedInputs.restApiId)}`,
            ),
        );
        assert.ok(planned, `${report.stack}: the device API has a resource policy`);
        const policy = policyOf(planned.revealedInputs.policy) as unknown as Record<
          string,
          unknown
        >;
        const executionArn = String(api.revealedState.executionArn);
        for (const route of routeArns(executionArn)) {
          const own = `arn:aws:iam::${API_ACCOUNT}:role/fleet-onboarding`;
          assert.equal(await invokes(policy, own, route), true, `${own} ${route}`);
          for (const outsider of [
            "arn:aws:iam::999999999999:role/anyone",
            // The platform's own other accounts are not callers either.
            "arn:aws:iam::222222222222:role/iot-dr-command-control-access",
          ]) {
            assert.equal(await invokes(policy, outsider, route), false, `${outsider} ${route}`);
          }
        }
      }
    }
    assert.equal(apis, 2, "a device API in each region");
  });

  it("lets only the named roles call when dataPlane.apiCallerRoleArns names them", async () => {
    const executionArn = `arn:aws:execute-api:eu-west-1:${API_ACCOUNT}:a1b2c3d4e5`;
    const onboarding = `arn:aws:iam::${API_ACCOUNT}:role/fleet-onboarding`;
    const rendered = await new Promise<string>((resolve) =>
      policyDocument(
        deviceApiPolicy(executionArn, {
          account: API_ACCOUNT,
          partition: "aws",
          roleArns: [onboarding],
        }),
      ).apply(resolve),
    );
    const policy = JSON.parse(rendered) as Record<string, unknown>;
    for (const route of routeArns(executionArn)) {
      assert.equal(await invokes(policy, onboarding, route), true, route);
      // Another role of the same account, however broad its own IAM.
      const other = `arn:aws:iam::${API_ACCOUNT}:role/some-admin`;
      assert.equal(await invokes(policy, other, route), false, `${other} ${route}`);
    }
  });
});
