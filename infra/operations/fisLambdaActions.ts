/**
 * What AWS FIS documents for its Lambda fault actions, read from the FIS actions reference
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#lambda-actions-reference-fis,
 * read 2026-12-07) and the Lambda action guide
 * (https://docs.aws.amazon.com/fis/latest/userguide/use-lambda-actions.html). The game day's
 * template and role are checked against this table (tests/infra/operations/gameDay.test.ts).
 */
export interface FisActionSpec {
  /** The resource type of the action's target. */
  resourceType: string;
  /** The key the action names its target by. */
  targetKey: string;
  /** Parameters: required or not, and the form of their value. */
  parameters: Record<string, { required: boolean; valid: (value: string) => boolean }>;
  /** What the experiment role needs for the action. */
  permissions: string[];
}

/** ISO 8601 duration as FIS takes it (PT1M ... PT12H). */
const isoDuration = (value: string) => /^PT(\d+H)?(\d+M)?(\d+S)?$/.test(value) && value !== "PT";
const percentage = (value: string) =>
  /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 100;
const boolean = (value: string) => value === "true" || value === "false";

/**
 * The extension polls the configuration FIS writes under the function's
 * `AWS_FIS_CONFIGURATION_LOCATION`, so every Lambda action writes and removes objects there and
 * reads the function's configuration to find it.
 */
const LAMBDA_ACTION_PERMISSIONS = [
  "s3:PutObject",
  "s3:DeleteObject",
  "lambda:GetFunction",
  "tag:GetResources",
];

export const FIS_ACTIONS: Record<string, FisActionSpec> = {
  "aws:lambda:invocation-error": {
    resourceType: "aws:lambda:function",
    targetKey: "Functions",
    parameters: {
      duration: { required: true, valid: isoDuration },
      invocationPercentage: { required: false, valid: percentage },
      preventExecution: { required: true, valid: boolean },
    },
    permissions: LAMBDA_ACTION_PERMISSIONS,
  },
  "aws:lambda:invocation-add-delay": {
    resourceType: "aws:lambda:function",
    targetKey: "Functions",
    parameters: {
      duration: { required: true, valid: isoDuration },
      invocationPercentage: { required: false, valid: percentage },
      startupDelayMilliseconds: { required: false, valid: (v) => /^\d+$/.test(v) },
    },
    permissions: LAMBDA_ACTION_PERMISSIONS,
  },
  // Waits without a target: keeps the experiment, and its stop conditions, running.
  "aws:fis:wait": {
    resourceType: "",
    targetKey: "",
    parameters: { duration: { required: true, valid: isoDuration } },
    permissions: [],
  },
};

/** The environment the FIS Lambda extension reads (use-lambda-actions.html, "Configure"). */
export const FIS_EXTENSION_ENVIRONMENT = {
  /** Lambda starts the runtime through the extension's wrapper script. */
  wrapper: { name: "AWS_LAMBDA_EXEC_WRAPPER", value: "/opt/aws-fis/bootstrap" },
  /** The S3 prefix FIS writes the fault configuration to, as an S3 ARN ending in `/`. */
  location: "AWS_FIS_CONFIGURATION_LOCATION",
} as const;

/**
 * AWS publishes the extension layer's ARN per region and architecture as an SSM public parameter
 * (use-lambda-actions.html, "Attach the extension").
 */
export const fisExtensionLayerParameter = (architecture: "arm64" | "x86_64") =>
  `/aws/service/fis/lambda-extension/AWS-FIS-extension-${architecture}/1.x.x`;
