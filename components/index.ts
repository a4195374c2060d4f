// The package entry (`import { MultiRegionBucket } from "iot-dr"`): package.json `exports["."]`.
export * from "./crossAccountPrivateApi";
export * from "./globalEventBus";
export * from "./multiRegionBucket";
export * from "./regionFailover";
export * from "./replicatedIotPlane";
export { REGION_SIDES, RegionPair, RegionSide } from "./sides";
// Adopting a component in a deployed stack: aliases for its children (docs/components.md).
export { movedChildren } from "./moved";
