import {
  Finding,
  Subject,
  asList,
  asRecord,
  asString,
  isSet,
  ofType,
  refersTo,
  relationPolicy,
} from "./support";

const BUS = "aws:cloudwatch/eventBus:EventBus";
const ENDPOINT = "aws:cloudwatch/eventEndpoint:EventEndpoint";

/** `arn:partition:events:region:account:event-bus/name` -> region and name. */
function busArnParts(arn: string): { region: string; name: string } | undefined {
  const match = /^arn:[^:]+:events:([^:]*):\d*:event-bus\/(.+)$/.exec(arn);
  return match ? { region: match[1], name: match[2] } : undefined;
}

/** Whether an endpoint's bus ARN is this bus: the same ARN, or the same name in the bus's region. */
function fronts(endpoint: Subject, bus: Subject): boolean {
  const busName = asString(bus.props.name) ?? bus.name;
  return asList(endpoint.props.eventBuses).some((entry) => {
    const given = asRecord(entry).eventBusArn;
    if (refersTo(endpoint, "eventBuses", bus, given)) return true;
    const arn = asString(given);
    if (!arn) return false;
    const parts = busArnParts(arn);
    return parts?.name === busName && (!bus.region || parts.region === bus.region);
  });
}

/**
 * A custom bus only fails over behind an EventBridge global endpoint. The endpoint spans both
 * regions, so the primary stack owns it and the secondary bus's endpoint is in the other stack.
 */
export const eventbridgeBusGlobalEndpoint = relationPolicy(
  {
    name: "eventbridge-bus-global-endpoint",
    description:
      "Custom EventBridge buses must be fronted by an aws.cloudwatch.EventEndpoint (global endpoint) listing them, with replication not DISABLED and a role for it.",
    enforcementLevel: "mandatory",
  },
  (subjects) => {
    const findings: Finding[] = [];
    const endpoints = ofType(subjects, ENDPOINT);
    for (const bus of ofType(subjects, BUS)) {
      const name = asString(bus.props.name) ?? bus.name;
      // The default bus cannot be in a global endpoint pair; partner buses are fed by SaaS sources.
      if (name === "default" || asString(bus.props.eventSourceName)) continue;
      if (!endpoints.some((e) => fronts(e, bus))) {
        findings.push({
          urn: bus.urn,
          missing: true,
          message: `EventBridge bus ${name} is fronted by no global endpoint: add an aws.cloudwatch.EventEndpoint whose eventBuses list it and its same-named peer.`,
        });
      }
    }
    for (const endpoint of endpoints) {
      const replication = asRecord(endpoint.props.replicationConfig);
      if (replication.state === "DISABLED") {
        findings.push({
          urn: endpoint.urn,
          missing: false,
          message: `EventBridge global endpoint ${endpoint.name} has replication DISABLED: events sent before a failover would be lost; set replicationConfig.state "ENABLED".`,
        });
      } else if (!isSet(endpoint.props.roleArn)) {
        findings.push({
          urn: endpoint.urn,
          missing: false,
          message: `EventBridge global endpoint ${endpoint.name} replicates events but has no roleArn: give it a role allowed events:PutEvents on both buses.`,
        });
      }
    }
    return findings;
  },
);
