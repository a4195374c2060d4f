import { classOf } from "../classification";
import { peerRegionOf } from "../config";
import { Finding, Subject, asString, relationPolicy } from "./support";

const REGION_NAME = /[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d/g;

/** A name with its region names and stack roles left out: `queue-eu-west-1` ~ `queue-eu-central-1`. */
export function peerKey(name: string): string {
  return name
    .toLowerCase()
    .replace(REGION_NAME, "")
    .replace(/primary|secondary/g, "")
    .replace(/[-_.]{2,}/g, "-")
    .replace(/^[-_.]+|[-_.]+$/g, "");
}

const namesOf = (s: Subject) =>
  [s.name, asString(s.props.name)].filter((n): n is string => Boolean(n)).map(peerKey);

/**
 * Queues, streams, topics, log groups, per-region keys and parameters hold data AWS does not copy
 * between regions: the standby serves with its own counterpart, which must exist in the other DR
 * region. A resource outside the DR pair has no place in a failover.
 */
export const statefulPeerInDrRegion = relationPolicy(
  {
    name: "stateful-peer-in-dr-region",
    description:
      "Resources of types that hold per-region data AWS does not replicate (classified 'peered': SQS queues, SNS topics, Kinesis streams, log groups, event archives, KMS keys, SSM parameters, IoT things and certificates, instances) must be in one of the DR regions and have a counterpart of the same type in the other one, matched by name with region names and primary/secondary left out.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    const peeredTypes = new Map<string, Subject[]>();
    for (const s of subjects) {
      if (classOf(s.type)?.kind !== "peered") continue;
      peeredTypes.set(s.type, [...(peeredTypes.get(s.type) ?? []), s]);
    }
    const pair = config.drRegions;
    for (const same of peeredTypes.values()) {
      for (const s of same) {
        const kind = s.type.split(":").pop();
        // A resource whose region the stack does not say (a default provider under the CLI) is
        // still one copy: its counterpart must be somewhere else.
        if (pair && s.region && !pair.includes(s.region)) {
          findings.push({
            urn: s.urn,
            missing: false,
            message: `${kind} ${s.name} is in ${s.region}, outside the DR regions ${pair.join(" and ")}: a failover between them does not move it. Deploy it in both DR regions.`,
          });
          continue;
        }
        const peer = peerRegionOf(config, s.region);
        const keys = namesOf(s);
        const counterpart = same.some(
          (o) =>
            o !== s &&
            o.region !== undefined &&
            (peer ? o.region === peer : o.region !== s.region) &&
            namesOf(o).some((k) => keys.includes(k)),
        );
        if (counterpart) continue;
        findings.push({
          urn: s.urn,
          missing: true,
          message: `${kind} ${s.name} has no counterpart in ${peer ?? "another region"}: AWS does not copy it, so after a failover the standby would have none. Declare the same ${kind} there (same name, region and primary/secondary aside).`,
        });
      }
    }
    return findings;
  },
);
