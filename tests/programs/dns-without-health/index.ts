import * as aws from "@pulumi/aws";

// A PRIMARY failover record without a health check (never fails over) and without a SECONDARY.
new aws.route53.Record("iot-primary", {
  zoneId: "Z0123456789ABCDEFGHIJ",
  name: "iot.example.com",
  type: "CNAME",
  ttl: 60,
  records: ["abc-ats.iot.eu-west-1.amazonaws.com"],
  setIdentifier: "eu-west-1",
  failoverRoutingPolicies: [{ type: "PRIMARY" }],
});
