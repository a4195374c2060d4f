import { peerRegionOf } from "../config";
import {
  Finding,
  Subject,
  asString,
  isSet,
  label,
  ofType,
  refersTo,
  relationPolicy,
} from "./support";

const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/instance:Instance";
const GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster";

/** Clusters and instances that replicate from `source` (replicationSourceIdentifier / replicateSourceDb). */
const replicasOf = (source: Subject, subjects: Subject[]) =>
  subjects.filter(
    (s) =>
      (s.type === CLUSTER && refersTo(s, "replicationSourceIdentifier", source)) ||
      (s.type === INSTANCE && refersTo(s, "replicateSourceDb", source)),
  );

/**
 * A database in one region is lost with it. Aurora joins a global cluster (a secondary cluster in
 * the peer region takes over in about a minute); other engines keep a cross-region read replica.
 * Counterparts usually live in the other stack, so a missing one is deferred.
 */
export const rdsCrossRegion = relationPolicy(
  {
    name: "rds-cross-region",
    description:
      "RDS/Aurora clusters must be members of an aws.rds.GlobalCluster (globalClusterIdentifier) or a cross-region replica (replicationSourceIdentifier), or have such a replica in the peer region; RDS instances must be a cross-region read replica (replicateSourceDb) or have one in the peer region; a global cluster needs members in both regions of the pair.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    const globals = ofType(subjects, GLOBAL_CLUSTER);
    for (const db of subjects.filter((s) => s.type === CLUSTER || s.type === INSTANCE)) {
      const peer = peerRegionOf(config, db.region);
      const inPeer = (s: Subject) => (peer ? s.region === peer : s.region !== db.region);
      if (db.type === CLUSTER && isSet(db.props.globalClusterIdentifier)) continue;
      const source = db.type === CLUSTER ? "replicationSourceIdentifier" : "replicateSourceDb";
      const sourceDb = subjects.find((s) => s !== db && refersTo(db, source, s));
      if (sourceDb && !inPeer(sourceDb)) {
        findings.push({
          urn: db.urn,
          missing: false,
          message: `${db.type === CLUSTER ? "Cluster" : "Instance"} ${label(db, "identifier")} replicates from ${sourceDb.name} in ${sourceDb.region ?? "an unknown region"}; a DR replica must be in ${peer ?? "another region"}.`,
        });
        continue;
      }
      if (isSet(db.props[source])) continue;
      if (replicasOf(db, subjects).some(inPeer)) continue;
      findings.push({
        urn: db.urn,
        missing: true,
        message:
          db.type === CLUSTER
            ? `Cluster ${label(db, "clusterIdentifier")} is in one region only: join it to an aws.rds.GlobalCluster (globalClusterIdentifier) with a secondary cluster in ${peer ?? "the peer region"}, or add a cross-region replica there.`
            : `RDS instance ${label(db, "identifier")} is in one region only: add a read replica in ${peer ?? "the peer region"} (replicateSourceDb set to its ARN).`,
      });
    }
    for (const global of globals) {
      const regions = new Set(
        ofType(subjects, CLUSTER)
          .filter((c) => refersTo(c, "globalClusterIdentifier", global))
          .map((c) => c.region)
          .filter((r): r is string => Boolean(r)),
      );
      const pair = config.drRegions ?? [];
      const lacking = pair.length === 2 ? pair.filter((r) => !regions.has(r)) : [];
      if (lacking.length > 0 || (pair.length !== 2 && regions.size < 2)) {
        findings.push({
          urn: global.urn,
          missing: true,
          message: `Global cluster ${asString(global.props.globalClusterIdentifier) ?? global.name} has no member cluster in ${lacking.join(", ") || "a second region"}: add an aws.rds.Cluster with globalClusterIdentifier there.`,
        });
      }
    }
    return findings;
  },
);
