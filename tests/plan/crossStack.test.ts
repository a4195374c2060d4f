import { strict as assert } from "assert";
import { IOT_DR_PACK_NAME, iotDrPolicies } from "../../policies/rules";
import { crossStackViolations } from "../../plan/crossStack";
import { PlannedResource } from "../../plan/engine";
import { StackReport } from "../../plan/run";

function resource(
  stack: string,
  type: string,
  name: string,
  region: string,
  state: Record<string, unknown>,
): PlannedResource {
  return {
    urn: `urn:pulumi:${stack}::p::${type}::${name}`,
    type,
    name,
    account: "444444444444",
    region,
    parent: null,
    provider: null,
    custom: true,
    inputs: state,
    state,
    revealedInputs: state,
    revealedState: state,
  };
}
const stack = (name: string, resources: PlannedResource[]): StackReport => ({
  stack: name,
  project: "p",
  resources,
  outputs: {},
  violations: [],
});
const bus = (s: string, region: string) =>
  resource(s, "aws:cloudwatch/eventBus:EventBus", "telemetry", region, {
    name: "telemetry",
    arn: `arn:aws:events:${region}:444444444444:event-bus/telemetry`,
  });
const endpoint = resource(
  "primary",
  "aws:cloudwatch/eventEndpoint:EventEndpoint",
  "ep",
  "eu-west-1",
  {
    roleArn: "arn:aws:iam::444444444444:role/r",
    eventBuses: ["eu-west-1", "eu-central-1"].map((r) => ({
      eventBusArn: `arn:aws:events:${r}:444444444444:event-bus/telemetry`,
    })),
  },
);
const fn = (s: string, name: string) =>
  resource(
    s,
    "aws:lambda/function:Function",
    name,
    s === "secondary" ? "eu-central-1" : "eu-west-1",
    {
      name,
      runtime: "nodejs22.x",
    },
  );
const pack = (config?: Record<string, unknown>) => ({
  name: IOT_DR_PACK_NAME,
  policies: iotDrPolicies,
  config: config as never,
});
const summary = (found: Map<string, { policy: string; message: string; exemption?: string }[]>) =>
  Object.fromEntries(
    [...found].map(([s, vs]) => [s, vs.map((v) => [v.policy, v.message, v.exemption])]),
  );

describe("cross-stack checks", () => {
  it("pass a secondary bus that the primary stack's global endpoint fronts", () => {
    const reports = [
      stack("secondary", [bus("secondary", "eu-central-1")]),
      stack("primary", [bus("primary", "eu-west-1"), endpoint]),
    ];
    assert.deepEqual(summary(crossStackViolations(reports, pack())), {
      secondary: [],
      primary: [],
    });
  });

  it("report a bus no stack's endpoint fronts, in the stack that holds it", () => {
    const reports = [stack("secondary", [bus("secondary", "eu-central-1")]), stack("primary", [])];
    assert.deepEqual(summary(crossStackViolations(reports, pack())), {
      secondary: [
        [
          "eventbridge-bus-global-endpoint",
          "EventBridge bus telemetry is fronted by no global endpoint: add an aws.cloudwatch.EventEndpoint whose eventBuses list it and its same-named peer.",
          undefined,
        ],
      ],
      primary: [],
    });
  });

  it("report a function present in one stack only, unless exempted with a reason", () => {
    const reports = [
      stack("secondary", [fn("secondary", "capture")]),
      stack("primary", [fn("primary", "capture"), fn("primary", "report")]),
    ];
    const message =
      "Lambda function report is in stack primary but not in secondary: after a failover it would be missing; create it from the symmetric program in every stack (or exempt it with a reason).";
    assert.deepEqual(summary(crossStackViolations(reports, pack())), {
      secondary: [],
      primary: [["lambda-function-symmetric", message, undefined]],
    });
    const exempt = pack({
      "lambda-function-symmetric": {
        exemptions: [
          {
            resource: "urn:pulumi:primary::p::aws:lambda/function:Function::report",
            reason: "reports run from the primary only",
          },
        ],
      },
    });
    assert.deepEqual(summary(crossStackViolations(reports, exempt)).primary, [
      ["lambda-function-symmetric", message, "reports run from the primary only"],
    ]);
  });

  it("leave missing counterparts to the per-stack rule when deferral is off", () => {
    const reports = [stack("secondary", [bus("secondary", "eu-central-1")])];
    const strict = pack({ "eventbridge-bus-global-endpoint": { deferToCrossStack: false } });
    assert.deepEqual(summary(crossStackViolations(reports, strict)), { secondary: [] });
  });
});
