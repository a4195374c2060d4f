import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../../infra/config";
import { StackContext } from "../../../infra/context";
import { defineHealth } from "../../../infra/health";
import { AccountProviders } from "../../../infra/providers";

// The health area as the integrator will call it: with the data plane's C&C regional domain.
const config = loadStackConfig();
const stack = pulumi.getStack();
const ctx = new StackContext(config, stack, new AccountProviders(config, stack));

export = defineHealth(ctx, {
  iotDomainTarget: `iot-target.${config.ownRegion}.example.net`,
  commandControlDomainTarget: {
    name: `d-0123456789.execute-api.${config.ownRegion}.amazonaws.com`,
    zoneId: "ZAPIGATEWAYZONE",
  },
  probeSecretKeyArn: `arn:aws:kms:${config.ownRegion}:${config.accounts.iotServices.id}:key/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e`,
  applicationTableName: "app-table",
  applicationFunctionName: "app-fn",
  telemetryBusName: "bus",
  analyticsStreamName: "stream",
});
