/**
 * What a `pulumi preview` of the main program calls in each account, by provider function (invoke
 * token): the read-only preview role may make these calls and no other. A preview reads no
 * resource (no refresh) and no secret: it diffs the program against the state. Provider functions
 * that need no permission (STS GetCallerIdentity is always allowed; region and partition are
 * answered locally) map to none. tests/bootstrap/previewReads.test.ts fails when a preview of the
 * program calls a function this table does not name.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export const PREVIEW_READS: Record<string, readonly string[]> = {
  "aws:index/getCallerIdentity:getCallerIdentity": [],
  "aws:index/getRegion:getRegion": [],
  "aws:index/getPartition:getPartition": [],
  "aws:index/getAvailabilityZones:getAvailabilityZones": ["ec2:DescribeAvailabilityZones"],
  "aws:iot/getEndpoint:getEndpoint": ["iot:DescribeEndpoint"],
  // The FIS Lambda extension's layer, an AWS public parameter (scoped below).
  "aws:ssm/getParameter:getParameter": ["ssm:GetParameter"],
  // The Region switch plan's Route 53 health checks, once the plan exists.
  "aws:arcregionswitch/getRoute53HealthChecks:getRoute53HealthChecks": [
    "arc-region-switch:ListRoute53HealthChecks",
  ],
};

/**
 * Reads a preview may make on some resources only: SSM parameters could hold the account's
 * secrets, so only AWS's public parameters under `/aws/`, a prefix no account may use for its own
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters.html,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html, Name).
 */
export const PREVIEW_SCOPED_READS: Record<string, readonly string[]> = {
  "ssm:GetParameter": ["arn:aws:ssm:*:*:parameter/aws/*"],
};

/** The IAM actions of {@link PREVIEW_READS} allowed on any resource, sorted and once each. */
export const previewActions = (): string[] =>
  [...new Set(Object.values(PREVIEW_READS).flat())]
    .filter((action) => !(action in PREVIEW_SCOPED_READS))
    .sort();

/** The statement of {@link PREVIEW_SCOPED_READS}, for the preview role and its boundary. */
export const scopedPreviewReads = () => ({
  Sid: "PublicParametersAPreviewReads",
  Effect: "Allow" as const,
  Action: Object.keys(PREVIEW_SCOPED_READS),
  Resource: [...new Set(Object.values(PREVIEW_SCOPED_READS).flat())],
});
