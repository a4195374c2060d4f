import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionSide, ReplicatedIotPlane } from "../../../components";

// Another topology than the project's: one IoT account, DNS in a second one, an APAC pair.
const iotAccount = "777777777777";
const dnsAccount = "888888888888";
const regions = { primary: "ap-southeast-2", secondary: "ap-northeast-1" };

const provider = (name: string, account: string, region: string) =>
  new aws.Provider(name, { region: region as aws.Region, allowedAccountIds: [account] });

const sides = (new pulumi.Config().get("sides")?.split(",") ?? [
  "primary",
  "secondary",
]) as RegionSide[];

const plane = new ReplicatedIotPlane("plane", {
  regions,
  sides,
  providers: {
    primary: provider("iot-primary", iotAccount, regions.primary),
    secondary: provider("iot-secondary", iotAccount, regions.secondary),
  },
  dnsProviders: {
    primary: provider("dns-primary", dnsAccount, regions.primary),
    secondary: provider("dns-secondary", dnsAccount, regions.secondary),
  },
  accountId: iotAccount,
  analyticsAccountId: "999999999999",
  telemetryTopicFilter: "fleet/+/telemetry",
  domainName: "mqtt.example.org",
  hostedZoneId: "Z0EXAMPLE0000000000",
  sweepSchedule: "rate(12 hours)",
});

export const primary = plane.primary;
export const secondary = plane.secondary;
export const registryTable = plane.registryTable;
