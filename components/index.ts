export * from "./replicatedIotPlane";
