// The package entry (`import { MultiRegionBucket } from "iot-dr"`): package.json `exports["."]`.
export * from "./crossAccountPrivateApi";
export * from "./globalEventBus";
export * from "./multiRegionBucket";
export { REGION_SIDES, RegionPair, RegionSide } from "./sides";
