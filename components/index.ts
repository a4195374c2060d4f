// The package entry (`import { MultiRegionBucket } from "iot-dr"`): package.json `exports["."]`.
export * from "./crossAccountPrivateApi";
export * from "./globalEventBus";
export * from "./multiRegionBucket";
export * from "./regionFailover";
export * from "./replicatedIotPlane";
export { REGION_SIDES, RegionPair, RegionSide } from "./sides";
// Types the components' public fields and arguments name (the parts themselves are not API).
export type { ApplicationBucket } from "./bucket/applicationBucket";
export type { BucketReplication } from "./bucket/bucketReplication";
export type { GlobalEndpoint } from "./eventBus/globalEndpoint";
export type { TelemetryBus } from "./eventBus/telemetryBus";
export type { IotPlaneNames } from "./iotPlane/names";
export type { PlaneTelemetry } from "./iotPlane/telemetryForwarding";
// An IAM statement, as a health API's handler permissions and a health check's take it.
export type { Conditions, Statement } from "./iam/policyDocument";
// Adopting a component in a deployed stack: aliases for its children (docs/components.md).
export { movedChildren } from "./moved";
