/** The one place that knows how AWS names things: partitions, DNS suffixes and ARNs. */

/** Partition of a region: the first segment of every ARN in it. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** DNS suffix of service endpoints in a region's partition. */
export function dnsSuffixOf(region: string): string {
  switch (partitionOf(region)) {
    case "aws-cn":
      return "amazonaws.com.cn";
    case "aws-iso":
      return "c2s.ic.gov";
    case "aws-iso-b":
      return "sc2s.sgov.gov";
    case "aws-iso-e":
      return "cloud.adc-e.uk";
    case "aws-iso-f":
      return "csp.hci.ic.gov";
    case "aws-eusc":
      return "amazonaws.eu";
    default:
      return "amazonaws.com";
  }
}

/** The parts of an ARN. `region` and `account` are empty for global or account-less resources. */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function formatArn(parts: ArnParts): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

/** Parses an ARN; the resource part keeps any colons it contains. Throws on anything else. */
export function parseArn(arn: string): ArnParts {
  const fields = arn.split(":");
  if (fields.length < 6 || fields[0] !== "arn" || !fields[1] || !fields[2]) {
    throw new Error(
      `expected an ARN of the form arn:partition:service:region:account:resource, got ${JSON.stringify(arn)}`,
    );
  }
  const [, partition, service, region, account, ...resource] = fields;
  return { partition, service, region, account, resource: resource.join(":") };
}
