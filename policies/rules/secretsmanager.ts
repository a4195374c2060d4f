import { peerRegionOf } from "../config";
import { Finding, asList, asRecord, asString, label, ofType, relationPolicy } from "./support";

const SECRET = "aws:secretsmanager/secret:Secret";

/**
 * A secret only in the failed region cannot be read by the standby. Either Secrets Manager
 * replicates it (replica in the peer region) or the peer region holds its own secret of the same
 * name (per-region values, e.g. a probe credential each region issues); often in the other stack.
 */
export const secretsmanagerSecretReplicated = relationPolicy(
  {
    name: "secretsmanager-secret-replicated",
    description:
      "Secrets Manager secrets must exist in the peer region: a replicas[] entry whose region is the peer, or a secret of the same name declared in the peer region. A replica outside the DR pair does not count.",
    enforcementLevel: "mandatory",
  },
  (subjects, config) => {
    const findings: Finding[] = [];
    const secrets = ofType(subjects, SECRET);
    for (const secret of secrets) {
      const peer = peerRegionOf(config, secret.region);
      const inPeer = (region: unknown) =>
        typeof region === "string" && (peer ? region === peer : region !== secret.region);
      const replicated = asList(secret.props.replicas).some((r) => inPeer(asRecord(r).region));
      const nameOf = (s: typeof secret) => asString(s.props.name) ?? s.name;
      const twin = secrets.some(
        (s) => s !== secret && inPeer(s.region) && nameOf(s) === nameOf(secret),
      );
      if (replicated || twin) continue;
      findings.push({
        urn: secret.urn,
        missing: true,
        message: `Secret ${label(secret)} exists only in ${secret.region ?? "one region"}: add replicas: [{ region: "${peer ?? "<peer region>"}" }] (or declare the same-named secret in ${peer ?? "the peer region"}).`,
      });
    }
    return findings;
  },
);
