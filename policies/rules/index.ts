import { Policies } from "@pulumi/policy";
import {
  apigatewayEndpointRegional,
  apigatewayMethodAuthorized,
  apigatewayPrivateApiPolicy,
} from "./apigateway";
import { awsProviderAssumeRole } from "./awsProvider";
import {
  dynamodbTableEncryptedKms,
  dynamodbTableGlobal,
  dynamodbTablePointInTimeRecovery,
} from "./dynamodb";
import { eventbridgeBusGlobalEndpoint } from "./eventbridge";
import {
  iamPolicyNoPublicPrincipal,
  iamPolicyNoWildcardAdmin,
  iamRoleCrossAccountTrust,
} from "./iam";
import { iotTopicRuleErrorAction } from "./iot";
import {
  lambdaFunctionFailureDestination,
  lambdaFunctionRuntime,
  lambdaFunctionSymmetric,
} from "./lambda";
import {
  kinesisStreamEncryptedKms,
  snsTopicEncryptedKms,
  sqsQueueDeadLetter,
  sqsQueueEncryptedKms,
} from "./messaging";
import { route53RecordFailover, route53RecordFailoverPair } from "./route53";
import {
  s3BucketEncryptedKms,
  s3BucketMultiRegionAccessPoint,
  s3BucketPublicAccessBlocked,
  s3BucketReplicated,
  s3BucketVersioned,
} from "./s3";
import { acmCertificateBothRegions, acmCertificateDnsValidated } from "./acm";
import { kmsKeyRotation, kmsReplicatedDataKey } from "./kms";
import { rdsCrossRegion } from "./rds";
import { secretsmanagerSecretReplicated } from "./secretsmanager";
import { statefulDeletionProtection } from "./stateful";
import { RelationRule } from "./support";
import {
  opaqueResourceRefused,
  resourceTypeClassified,
  statefulReplicationJudged,
} from "./classified";
import { statefulPeerInDrRegion } from "./peered";
import {
  iamPolicyEscalation,
  iamPolicyOutsiderAccess,
  iotPolicyDeviceScoped,
} from "./iamSimulated";

/**
 * Rules relating a resource to a counterpart that may live in the other stack: per stack they
 * report what is wrong and defer what is missing; the offline plan checks the missing across stacks.
 */
export const relationRules: RelationRule[] = [
  dynamodbTableGlobal,
  s3BucketReplicated,
  s3BucketMultiRegionAccessPoint,
  eventbridgeBusGlobalEndpoint,
  route53RecordFailoverPair,
  lambdaFunctionSymmetric,
  kmsReplicatedDataKey,
  rdsCrossRegion,
  secretsmanagerSecretReplicated,
  acmCertificateBothRegions,
  statefulPeerInDrRegion,
];

/** Every rule of the iot-dr pack; the pack and the offline plan both take them from here. */
export const iotDrPolicies: Policies = [
  awsProviderAssumeRole,
  dynamodbTableEncryptedKms,
  s3BucketVersioned,
  s3BucketEncryptedKms,
  s3BucketPublicAccessBlocked,
  lambdaFunctionRuntime,
  lambdaFunctionFailureDestination,
  route53RecordFailover,
  apigatewayEndpointRegional,
  apigatewayPrivateApiPolicy,
  apigatewayMethodAuthorized,
  iamRoleCrossAccountTrust,
  iamPolicyNoPublicPrincipal,
  iamPolicyNoWildcardAdmin,
  iotTopicRuleErrorAction,
  sqsQueueEncryptedKms,
  snsTopicEncryptedKms,
  sqsQueueDeadLetter,
  kinesisStreamEncryptedKms,
  dynamodbTablePointInTimeRecovery,
  kmsKeyRotation,
  acmCertificateDnsValidated,
  statefulDeletionProtection,
  resourceTypeClassified,
  opaqueResourceRefused,
  statefulReplicationJudged,
  iamPolicyOutsiderAccess,
  iamPolicyEscalation,
  iotPolicyDeviceScoped,
  ...relationRules.map((r) => r.policy),
];

/** Name of the pack, as `pulumi preview --policy-pack` reports it. */
export const IOT_DR_PACK_NAME = "iot-dr";
