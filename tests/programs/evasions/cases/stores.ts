import * as aws from "@pulumi/aws";
import { Evasion } from "../kit";

const judged = "stateful-replication-judged";

/** Durable stores of services the pack has no replication rule for: each is refused. */
export const stores: Evasion[] = [
  {
    resource: "mq-broker",
    rule: judged,
    tries: "an ActiveMQ broker holding persistent messages in one region",
    build: ({ west }) =>
      new aws.mq.Broker(
        "mq-broker",
        {
          engineType: "ActiveMQ",
          engineVersion: "5.18",
          hostInstanceType: "mq.m5.large",
          users: [{ username: "app", password: "placeholder-not-a-secret" }],
        },
        { provider: west },
      ),
  },
  {
    resource: "msk-cluster",
    rule: judged,
    tries: "a Kafka cluster whose topics are the only copy of events",
    build: ({ west }) =>
      new aws.msk.Cluster(
        "msk-cluster",
        {
          kafkaVersion: "3.6.0",
          numberOfBrokerNodes: 3,
          brokerNodeGroupInfo: {
            instanceType: "kafka.m5.large",
            clientSubnets: ["subnet-1", "subnet-2", "subnet-3"],
            securityGroups: ["sg-1"],
          },
        },
        { provider: west },
      ),
  },
  {
    resource: "ebs-volume",
    rule: judged,
    tries: "an EBS volume with application state and no snapshot copy",
    build: ({ west }) =>
      new aws.ebs.Volume(
        "ebs-volume",
        { availabilityZone: "eu-west-1a", size: 100, encrypted: true },
        { provider: west },
      ),
  },
  {
    resource: "glacier-vault",
    rule: judged,
    tries: "an archive vault as the only copy of device firmware",
    build: ({ west }) => new aws.glacier.Vault("glacier-vault", {}, { provider: west }),
  },
  {
    resource: "cognito-pool",
    rule: judged,
    tries: "operator accounts in a Cognito user pool, which does not replicate",
    build: ({ west }) => new aws.cognito.UserPool("cognito-pool", {}, { provider: west }),
  },
  {
    resource: "keyspaces-table",
    rule: judged,
    tries: "a single-region Keyspaces table for device metadata",
    build: ({ west }) =>
      new aws.keyspaces.Table(
        "keyspaces-table",
        {
          keyspaceName: "fleet",
          tableName: "devices",
          schemaDefinition: {
            columns: [{ name: "id", type: "text" }],
            partitionKeys: [{ name: "id" }],
          },
        },
        { provider: west },
      ),
  },
  {
    resource: "backup-vault",
    rule: judged,
    tries: "backups kept in a vault of the region they protect",
    build: ({ west }) => new aws.backup.Vault("backup-vault", {}, { provider: west }),
  },
  {
    resource: "ecr-repository",
    rule: judged,
    tries: "the functions' container images in one region's registry",
    build: ({ west }) => new aws.ecr.Repository("ecr-repository", {}, { provider: west }),
  },
  {
    resource: "qldb-ledger",
    rule: judged,
    tries: "an audit ledger with no cross-region copy",
    build: ({ west }) =>
      new aws.qldb.Ledger("qldb-ledger", { permissionsMode: "STANDARD" }, { provider: west }),
  },
  {
    resource: "location-tracker",
    rule: judged,
    tries: "device positions in a Location tracker",
    build: ({ west }) =>
      new aws.location.Tracker("location-tracker", { trackerName: "fleet" }, { provider: west }),
  },
  {
    resource: "codecommit-repository",
    rule: judged,
    tries: "device configuration kept as a Git repository in one region",
    build: ({ west }) =>
      new aws.codecommit.Repository(
        "codecommit-repository",
        { repositoryName: "fleet-config" },
        { provider: west },
      ),
  },
];
