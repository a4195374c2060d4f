import * as aws from "@pulumi/aws";
import { globalTableThroughReplica, oneWayStandbyBucket } from "./data";
import { keyPair, queuePair, replicatedSecret, scopedDevices, streamPair } from "./pairs";
import { Regional } from "./regional";
import {
  activeActiveRecords,
  edgeFunction,
  failoverPair,
  privateApiFromBody,
  privateApiWithPolicyResource,
  repositoryDeployRole,
} from "./routing";

/** Each DR-correct program, by name; the pack must accept every one. */
export const correctCases: Record<
  string,
  (providers: { west: aws.Provider; central: aws.Provider; virginia: aws.Provider }) => void
> = Object.fromEntries(
  Object.entries({
    edgeFunction,
    activeActiveRecords,
    failoverPair,
    oneWayStandbyBucket,
    globalTableThroughReplica,
    queuePair,
    streamPair,
    keyPair,
    scopedDevices,
    replicatedSecret,
    repositoryDeployRole,
    privateApiFromBody,
    privateApiWithPolicyResource,
  }).map(([name, build]) => [
    name,
    (p: { west: aws.Provider; central: aws.Provider; virginia: aws.Provider }) =>
      build({
        ...p,
        both: [
          ["eu-west-1", p.west],
          ["eu-central-1", p.central],
        ],
      } satisfies Regional),
  ]),
);
