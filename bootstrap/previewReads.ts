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
};

/** The IAM actions of {@link PREVIEW_READS}, sorted and once each. */
export const previewActions = (): string[] =>
  [...new Set(Object.values(PREVIEW_READS).flat())].sort();
