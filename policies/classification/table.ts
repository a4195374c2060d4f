import {
  TypeClass,
  configuration,
  opaque,
  peered,
  replicated,
  security,
  simulated,
} from "./classes";

/**
 * Classification by service (the module of `aws:<service>/<x>:<Resource>`) and resource name
 * patterns, first match wins. A service absent here classifies nothing, so a provider upgrade that
 * adds a service fails the classification test until someone classifies it here.
 */
type Entry = [RegExp, TypeClass];

const ALL = /.*/;
const config = configuration();
/** A data store without a rule: refused until one shows its replication. */
const store = (proof: string) => replicated(proof);
const noReplication = store("AWS offers no cross-region replication for it");
const GLOBAL = configuration("a global service: its control plane is not one of the DR regions");
const OPAQUE_TEMPLATE = opaque(
  "deploys a template or product whose resources the pack cannot see or judge",
);
const POLICY = simulated();
const AUTHORIZATION = security("API authorization (apigateway-method-authorized)");
const GRANT = security(
  "grants access outside IAM policy documents; judged by iam-* rules where they read it",
);

export const SERVICE_CLASSES: Record<string, Entry[]> = {
  accessanalyzer: [[ALL, config]],
  account: [[ALL, config]],
  accountaccess: [[ALL, config]],
  acm: [[ALL, config]],
  acmpca: [
    [/^CertificateAuthority$/, store("no replication of a private CA: a CA per region")],
    [/^(Permission|Policy)$/, POLICY],
    [ALL, config],
  ],
  agentregistry: [[ALL, config]],
  alb: [[ALL, config]],
  amp: [
    [/^Workspace$/, peered()],
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  amplify: [[ALL, config]],
  apigateway: [
    [/^(Authorizer|Method)$/, AUTHORIZATION],
    [
      /^RestApi$/,
      security(
        "resource policy (input or OpenAPI body) by the IAM simulator; OpenAPI body operations by apigateway-method-authorized",
      ),
    ],
    [/^RestApiPolicy$/, POLICY],
    [/^ApiKey$/, GRANT],
    [ALL, config],
  ],
  apigatewayv2: [
    [/^(Authorizer|Route)$/, AUTHORIZATION],
    [/^Api$/, security("OpenAPI body operations and quick create by apigateway-method-authorized")],
    [ALL, config],
  ],
  appautoscaling: [[ALL, config]],
  appconfig: [[ALL, config]],
  appfabric: [[ALL, config]],
  appflow: [[ALL, config]],
  appintegrations: [[ALL, config]],
  applicationinsights: [[ALL, config]],
  appmesh: [[ALL, config]],
  apprunner: [[ALL, config]],
  appstream: [[ALL, config]],
  appsync: [[ALL, config]],
  arcregionswitch: [[ALL, config]],
  arczonalshift: [[ALL, config]],
  athena: [[ALL, configuration("queries data kept in S3")]],
  auditmanager: [[ALL, config]],
  autoscaling: [[ALL, config]],
  autoscalingplans: [[ALL, config]],
  backup: [
    [
      /^(Vault|LogicallyAirGappedVault)$/,
      store("a backup plan rule with a copy action to a vault in the peer region"),
    ],
    [/^VaultPolicy$/, POLICY],
    [ALL, config],
  ],
  batch: [[ALL, config]],
  bcmdata: [[ALL, config]],
  bedrock: [
    [/^AgentcoreMemory$/, noReplication],
    [/^(AgentcoreResourcePolicy|AgentcorePolicy)$/, POLICY],
    [ALL, config],
  ],
  bedrockfoundation: [[ALL, config]],
  bedrockmodel: [[ALL, config]],
  billing: [[ALL, config]],
  budgets: [[ALL, config]],
  cfg: [[ALL, config]],
  chatbot: [[ALL, config]],
  chime: [[ALL, config]],
  chimesdkmediapipelines: [[ALL, config]],
  cleanrooms: [[ALL, config]],
  cloud9: [[ALL, config]],
  cloudcontrol: [[ALL, opaque("a Cloud Control resource of any type, by a JSON document")]],
  cloudformation: [
    [/^CloudFormationType$/, config],
    [ALL, OPAQUE_TEMPLATE],
  ],
  cloudfront: [
    [/^KeyValueStore$/, configuration("CloudFront replicates it to every edge location")],
    [ALL, GLOBAL],
  ],
  cloudhsmv2: [
    [/^Cluster$/, store("a cluster restored from a backup copied to the peer region")],
    [ALL, config],
  ],
  cloudsearch: [
    [/^Domain$/, noReplication],
    [/^DomainServiceAccessPolicy$/, POLICY],
  ],
  cloudtrail: [
    [/^EventDataStore$/, noReplication],
    [ALL, config],
  ],
  cloudwatch: [
    [/^(LogGroup|EventArchive)$/, peered()],
    [
      /^EventBus$/,
      replicated(
        "an EventBridge global endpoint listing both buses",
        "eventbridge-bus-global-endpoint",
      ),
    ],
    [
      /^(EventBusPolicy|LogResourcePolicy|LogDestinationPolicy|LogDeliveryDestinationPolicy)$/,
      POLICY,
    ],
    [/^EventPermission$/, GRANT],
    [ALL, config],
  ],
  codeartifact: [
    [/^(Domain|Repository)$/, noReplication],
    [/^(DomainPermissions|RepositoryPermissionsPolicy)$/, POLICY],
  ],
  codebuild: [
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  codecatalyst: [
    [/^SourceRepository$/, noReplication],
    [ALL, config],
  ],
  codecommit: [
    [/^Repository$/, noReplication],
    [ALL, config],
  ],
  codeconnections: [[ALL, config]],
  codedeploy: [[ALL, config]],
  codeguruprofiler: [[ALL, config]],
  codegurureviewer: [[ALL, config]],
  codepipeline: [[ALL, config]],
  codestarconnections: [[ALL, config]],
  codestarnotifications: [[ALL, config]],
  cognito: [
    [/^UserPool$/, noReplication],
    [/^IdentityPoolRoleAttachment$/, GRANT],
    [ALL, config],
  ],
  comprehend: [[ALL, config]],
  computeoptimizer: [[ALL, config]],
  connect: [
    [/^Instance$/, store("Amazon Connect Global Resiliency (a replica instance)")],
    [ALL, config],
  ],
  controltower: [[ALL, config]],
  costexplorer: [[ALL, config]],
  costoptimizationhub: [[ALL, config]],
  cur: [[ALL, config]],
  customerprofiles: [
    [/^Domain$/, noReplication],
    [ALL, config],
  ],
  dataexchange: [[ALL, config]],
  datapipeline: [[ALL, config]],
  datasync: [[ALL, config]],
  datazone: [[ALL, config]],
  dax: [
    [/^Cluster$/, peered()],
    [ALL, config],
  ],
  detective: [[ALL, config]],
  devicefarm: [[ALL, config]],
  devopsguru: [[ALL, config]],
  directconnect: [[ALL, config]],
  directoryservice: [
    [/^Directory$/, store("an aws.directoryservice.ServiceRegion in the peer region")],
    [ALL, config],
  ],
  dlm: [[ALL, config]],
  dms: [[ALL, config]],
  docdb: [
    [
      /^(Cluster|ElasticCluster)$/,
      store("an aws.docdb.GlobalCluster with a member in the peer region"),
    ],
    [ALL, config],
  ],
  drs: [[ALL, config]],
  dsql: [
    [/^Cluster$/, store("an aws.dsql.ClusterPeering with a cluster in the peer region")],
    [/^ClusterPolicy$/, POLICY],
    [ALL, config],
  ],
  dynamodb: [
    [
      /^Table$/,
      replicated(
        "replicas[] or an aws.dynamodb.TableReplica in the peer region",
        "dynamodb-table-global",
      ),
    ],
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  ebs: [
    [
      /^(Volume|Snapshot|SnapshotImport)$/,
      store("a snapshot copied to the peer region on a schedule"),
    ],
    [ALL, config],
  ],
  ec2: [
    [/^(Instance|SpotInstanceRequest|Fleet|SpotFleetRequest)$/, peered()],
    [/^VpcEndpointPolicy$/, POLICY],
    [
      /^(VpcEndpointServiceAllowedPrinciple|NetworkInterfacePermission|AmiLaunchPermission|SnapshotCreateVolumePermission)$/,
      GRANT,
    ],
    [ALL, config],
  ],
  ec2clientvpn: [[ALL, config]],
  ec2transitgateway: [[ALL, config]],
  ecr: [
    [
      /^Repository$/,
      store("an aws.ecr.ReplicationConfiguration with a destination in the peer region"),
    ],
    [/^(RegistryPolicy|RepositoryPolicy)$/, POLICY],
    [ALL, config],
  ],
  ecrpublic: [
    [/^RepositoryPolicy$/, POLICY],
    [ALL, GLOBAL],
  ],
  ecs: [[ALL, config]],
  efs: [
    [/^FileSystem$/, store("an aws.efs.ReplicationConfiguration to the peer region")],
    [/^FileSystemPolicy$/, POLICY],
    [ALL, config],
  ],
  eks: [
    [/^Cluster$/, peered()],
    [/^(AccessEntry|AccessPolicyAssociation|PodIdentityAssociation)$/, GRANT],
    [ALL, config],
  ],
  elasticache: [
    [
      /^(ReplicationGroup)$/,
      store("an aws.elasticache.GlobalReplicationGroup with a member in the peer region"),
    ],
    [/^(Cluster|ServerlessCache)$/, noReplication],
    [ALL, config],
  ],
  elasticbeanstalk: [[ALL, config]],
  elasticsearch: [
    [/^Domain$/, store("cross-cluster replication from a domain in the peer region")],
    [/^DomainPolicy$/, POLICY],
    [ALL, config],
  ],
  elastictranscoder: [[ALL, config]],
  elb: [[ALL, config]],
  emr: [[ALL, config]],
  emrcontainers: [[ALL, config]],
  emrserverless: [[ALL, config]],
  evidently: [[ALL, config]],
  finspace: [
    [/^(KxDatabase|KxVolume)$/, noReplication],
    [ALL, config],
  ],
  fis: [[ALL, config]],
  fms: [
    [/^Policy$/, GRANT],
    [ALL, config],
  ],
  fsx: [
    [
      /FileSystem$|^(OntapVolume|OpenZfsVolume|FileCache)$/,
      store("backups copied to the peer region, or ONTAP SnapMirror"),
    ],
    [ALL, config],
  ],
  gamelift: [[ALL, config]],
  glacier: [
    [/^Vault$/, noReplication],
    [ALL, config],
  ],
  globalaccelerator: [[ALL, GLOBAL]],
  glue: [
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  grafana: [[ALL, config]],
  guardduty: [[ALL, config]],
  iam: [
    [
      /^(Policy|RolePolicy|UserPolicy|GroupPolicy|Role|User|Group|OpenIdConnectProvider|SamlProvider|OutboundWebIdentityFederation)$/,
      POLICY,
    ],
    [/(Attachment|Attachments|Policies)Exclusive$|PolicyAttachment$|Membership$/, POLICY],
    [/^(AccessKey|UserLoginProfile|ServiceSpecificCredential|SigningCertificate|SshKey)$/, GRANT],
    [ALL, config],
  ],
  identitystore: [[ALL, config]],
  imagebuilder: [[ALL, config]],
  inspector: [[ALL, config]],
  inspector2: [[ALL, config]],
  invoicing: [[ALL, config]],
  iot: [
    [
      /^(Policy|PolicyAttachment)$/,
      security("IoT policies evaluated by the IAM simulator (iot-policy-device-scoped)"),
    ],
    [/^(Authorizer|RoleAlias)$/, GRANT],
    [/^(Thing|ThingGroup|ThingType|Certificate|CaCertificate|ProvisioningTemplate)$/, peered()],
    [ALL, config],
  ],
  ivs: [[ALL, config]],
  ivschat: [[ALL, config]],
  kendra: [
    [/^Index$/, noReplication],
    [ALL, config],
  ],
  keyspaces: [
    [
      /^(Keyspace|Table)$/,
      store("replicationSpecification / replicaSpecification MULTI_REGION with the peer region"),
    ],
  ],
  kinesis: [
    [/^(Stream|VideoStream)$/, peered()],
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  kinesisanalyticsv2: [[ALL, config]],
  kms: [
    [/^(Key|ExternalKey)$/, peered()],
    [/^(ReplicaKey|ReplicaExternalKey)$/, config],
    [/^KeyPolicy$/, POLICY],
    [/^Grant$/, GRANT],
    [/^CustomKeyStore$/, noReplication],
    [ALL, config],
  ],
  lb: [[ALL, config]],
  lakeformation: [
    [/^(Permissions|DataCellsFilter)$/, GRANT],
    [ALL, config],
  ],
  lambda: [
    [/^(Permission|LayerVersionPermission|ResourcePolicy)$/, POLICY],
    [/^FunctionUrl$/, AUTHORIZATION],
    [ALL, config],
  ],
  lambdamicrovms: [[ALL, config]],
  lex: [[ALL, config]],
  licensemanager: [[ALL, config]],
  lightsail: [
    [/^(Database|Bucket|Disk)$/, noReplication],
    [/^Instance$/, peered()],
    [ALL, config],
  ],
  location: [
    [/^(GeofenceCollection|Tracker)$/, noReplication],
    [ALL, config],
  ],
  m2: [[ALL, config]],
  macie: [[ALL, config]],
  macie2: [[ALL, config]],
  mailmanager: [
    [/^Archive$/, noReplication],
    [ALL, config],
  ],
  mediaconvert: [[ALL, config]],
  medialive: [[ALL, config]],
  mediapackage: [[ALL, config]],
  mediapackagev2: [[ALL, config]],
  mediastore: [
    [/^Container$/, noReplication],
    [/^ContainerPolicy$/, POLICY],
  ],
  memorydb: [
    [
      /^Cluster$/,
      store("membership of an aws.memorydb.MultiRegionCluster spanning the peer region"),
    ],
    [ALL, config],
  ],
  mq: [
    [/^Broker$/, store("a cross-region data replication broker pair (dataReplicationMode CRDR)")],
    [ALL, config],
  ],
  msk: [
    [
      /^(Cluster|ServerlessCluster)$/,
      store("an aws.msk.Replicator to a cluster in the peer region"),
    ],
    [/^ClusterPolicy$/, POLICY],
    [ALL, config],
  ],
  mskconnect: [[ALL, config]],
  mwaa: [[ALL, config]],
  neptune: [
    [/^Cluster$/, store("an aws.neptune.GlobalCluster with a member in the peer region")],
    [ALL, config],
  ],
  neptunegraph: [
    [/^Graph$/, noReplication],
    [ALL, config],
  ],
  networkfirewall: [
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  networkflowmonitor: [[ALL, config]],
  networkmanager: [[ALL, GLOBAL]],
  networkmonitor: [[ALL, config]],
  notifications: [[ALL, config]],
  oam: [
    [/^SinkPolicy$/, POLICY],
    [ALL, config],
  ],
  observabilityadmin: [[ALL, config]],
  odb: [
    [/^(CloudAutonomousVmCluster|CloudVmCluster|CloudExadataInfrastructure)$/, noReplication],
    [ALL, config],
  ],
  opensearch: [
    [
      /^Domain$/,
      store("cross-cluster replication (aws.opensearch.OutboundConnection) from the peer region"),
    ],
    [/^ServerlessCollection$/, noReplication],
    [/^(DomainPolicy|ServerlessAccessPolicy)$/, POLICY],
    [ALL, config],
  ],
  opensearchingest: [
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  organizations: [
    [/^(Policy|PolicyAttachment|ResourcePolicy)$/, POLICY],
    [ALL, GLOBAL],
  ],
  outposts: [[ALL, config]],
  paymentcryptography: [
    [/^Key$/, store("multi-region key replication to the peer region")],
    [ALL, config],
  ],
  pinpoint: [
    [/^Smsvoicev2ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  pipes: [[ALL, config]],
  qbusiness: [[ALL, config]],
  qldb: [
    [/^Ledger$/, noReplication],
    [ALL, config],
  ],
  quicksight: [
    [/^IamPolicyAssignment$/, GRANT],
    [ALL, config],
  ],
  ram: [
    [
      /^(ResourceShare|PrincipalAssociation|ResourceAssociation|Permission|ResourceShareAssociationsExclusive)$/,
      GRANT,
    ],
    [ALL, config],
  ],
  rbin: [[ALL, config]],
  rds: [
    [
      /^(Cluster|Instance)$/,
      replicated(
        "an aws.rds.GlobalCluster with a member in the peer region, or a cross-region read replica",
        "rds-cross-region",
      ),
    ],
    [ALL, config],
  ],
  redshift: [
    [/^Cluster$/, store("aws.redshift.SnapshotCopy to the peer region")],
    [/^ResourcePolicy$/, POLICY],
    [/^(EndpointAuthorization|DataShareAuthorization)$/, GRANT],
    [ALL, config],
  ],
  redshiftdata: [[ALL, config]],
  redshiftserverless: [
    [/^Namespace$/, store("snapshots copied to the peer region")],
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
  rekognition: [
    [/^Collection$/, noReplication],
    [ALL, config],
  ],
  resiliencehub: [[ALL, config]],
  resourceexplorer: [[ALL, config]],
  resourcegroups: [[ALL, config]],
  rolesanywhere: [[ALL, GRANT]],
  route53: [
    [
      /^(TrafficPolicy|TrafficPolicyInstance)$/,
      opaque("records made by a traffic policy document the pack does not read"),
    ],
    [ALL, GLOBAL],
  ],
  route53domains: [[ALL, GLOBAL]],
  route53recoverycontrol: [[ALL, GLOBAL]],
  route53recoveryreadiness: [[ALL, GLOBAL]],
  rum: [[ALL, config]],
  s3: [
    [
      /^(Bucket|BucketV2)$/,
      replicated(
        "an Enabled aws.s3.BucketReplicationConfig rule to a bucket in the peer region",
        "s3-bucket-replicated",
      ),
    ],
    [
      /^DirectoryBucket$/,
      store("none: directory buckets keep data in one zone and do not replicate"),
    ],
    [/^(FilesFileSystem|VectorsVectorBucket)$/, noReplication],
    [/^(BucketPolicy|AccessPoint|FilesFileSystemPolicy|VectorsVectorBucketPolicy)$/, POLICY],
    [/^(BucketAcl|BucketAclV2)$/, GRANT],
    [ALL, config],
  ],
  s3control: [
    [/^Bucket$/, noReplication],
    [
      /^(AccessPointPolicy|BucketPolicy|MultiRegionAccessPointPolicy|ObjectLambdaAccessPointPolicy|AccessGrantsInstanceResourcePolicy)$/,
      POLICY,
    ],
    [/^AccessGrant$/, GRANT],
    [ALL, config],
  ],
  s3outposts: [[ALL, config]],
  s3tables: [
    [/^TableBucket$/, store("an aws.s3tables.TableBucketReplication to the peer region")],
    [/^(TableBucketPolicy|TablePolicy)$/, POLICY],
    [ALL, config],
  ],
  sagemaker: [
    [/^FeatureGroup$/, noReplication],
    [/^ModelPackageGroupPolicy$/, POLICY],
    [ALL, config],
  ],
  savingsplans: [[ALL, config]],
  scheduler: [[ALL, config]],
  schemas: [
    [/^RegistryPolicy$/, POLICY],
    [ALL, config],
  ],
  secretsmanager: [
    [
      /^Secret$/,
      replicated(
        "replicas[] in the peer region, or the same-named secret there",
        "secretsmanager-secret-replicated",
      ),
    ],
    [/^SecretPolicy$/, POLICY],
    [ALL, config],
  ],
  securityhub: [[ALL, config]],
  securitylake: [[ALL, config]],
  serverlessrepository: [[ALL, OPAQUE_TEMPLATE]],
  servicecatalog: [
    [/^ProvisionedProduct$/, OPAQUE_TEMPLATE],
    [/^(PortfolioShare|PrincipalPortfolioAssociation)$/, GRANT],
    [ALL, config],
  ],
  servicediscovery: [[ALL, config]],
  servicequotas: [[ALL, config]],
  ses: [
    [/^IdentityPolicy$/, POLICY],
    [ALL, config],
  ],
  sesv2: [
    [/^EmailIdentityPolicy$/, POLICY],
    [/^ContactList$/, noReplication],
    [ALL, config],
  ],
  sfn: [[ALL, config]],
  shield: [[ALL, config]],
  signer: [
    [/^SigningProfilePermission$/, GRANT],
    [ALL, config],
  ],
  sns: [
    [/^Topic$/, peered()],
    [/^TopicPolicy$/, POLICY],
    [ALL, config],
  ],
  sqs: [
    [/^Queue$/, peered()],
    [/^QueuePolicy$/, POLICY],
    [ALL, config],
  ],
  ssm: [
    [/^Parameter$/, peered()],
    [ALL, config],
  ],
  ssmcontacts: [[ALL, config]],
  ssmincidents: [[ALL, config]],
  ssoadmin: [
    [/Polic(y|ies)|Attachment|AccountAssignment|ApplicationAssignment/, GRANT],
    [ALL, config],
  ],
  storagegateway: [
    [/^(CachesIscsiVolume|StoredIscsiVolume)$/, noReplication],
    [ALL, config],
  ],
  swf: [[ALL, config]],
  synthetics: [[ALL, config]],
  timestreaminfluxdb: [
    [/^(DbCluster|DbInstance)$/, noReplication],
    [ALL, config],
  ],
  timestreamquery: [[ALL, config]],
  timestreamwrite: [
    [/^(Database|Table)$/, noReplication],
    [ALL, config],
  ],
  transcribe: [[ALL, config]],
  transfer: [[ALL, configuration("serves data kept in S3 or EFS")]],
  uxc: [[ALL, config]],
  verifiedaccess: [[ALL, config]],
  verifiedpermissions: [[ALL, config]],
  vpc: [[ALL, config]],
  vpclattice: [
    [/^(AuthPolicy|ResourcePolicy)$/, POLICY],
    [ALL, config],
  ],
  waf: [[ALL, GLOBAL]],
  wafregional: [[ALL, config]],
  wafv2: [[ALL, config]],
  workmail: [
    [/^Organization$/, noReplication],
    [ALL, config],
  ],
  workspaces: [
    [/^Workspace$/, noReplication],
    [ALL, config],
  ],
  workspacesweb: [[ALL, config]],
  xray: [
    [/^ResourcePolicy$/, POLICY],
    [ALL, config],
  ],
};

/** Types outside @pulumi/aws that the pack meets in programs. */
export const OTHER_TYPES: Record<string, TypeClass> = {
  "pulumi:providers:aws": configuration("a provider (aws-provider-assume-role)"),
  "pulumi:pulumi:StackReference": config,
  "pulumi-nodejs:dynamic:Resource": opaque(
    "a dynamic provider: its create() runs code the pack cannot see",
  ),
  "pulumi-python:dynamic:Resource": opaque(
    "a dynamic provider: its create() runs code the pack cannot see",
  ),
};
