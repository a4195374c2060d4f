/**
 * The AWS calls a function makes, declared as data beside the code that makes them. Nothing at run
 * time reads these: the tests record every call a handler really sends and fail on one that is not
 * declared here, and simulate each declared call against the IAM of the planned stacks (identity,
 * resource, key and trust policies), so a missing permission fails `npm test`, not the first deploy.
 *
 * Templates (resources, roles, context values) are ARNs with placeholders:
 * - `{partition}`, `{region}`, `{account}`, `{dnsSuffix}`: where the function runs; `{region}` is
 *   the region the call goes to when the call names `regions`.
 * - `{event.NAME}`: a field of the event a deploy-time invocation (`aws.lambda.Invocation`) sends.
 * - `{env.NAME}`: an environment variable of the function; `{env.NAME[,]}` a comma-separated list
 *   and `{env.NAME[].field}` a JSON array's field, each making one call per value.
 * - `{accountOf:ARN}`, `{inRegion:ARN}` (the ARN in the call's region), `{queueArn:URL}`.
 * - Facts of the deployment: `{pairRegions}` (both regions), `{function:CODE}` (this deployment's
 *   function built from `functions/CODE`, same account and region), `{vpcEndpoint:SERVICE}` (the
 *   SERVICE interface endpoint of the function's VPC), `{executeApi:METHOD URL}` (the `execute-api`
 *   ARN of a request to an invoke URL), `{ssmParameter:NAME}` (the value the deployment writes),
 *   `{accessPointBuckets:ARN}` (the buckets behind a Multi-Region Access Point) and `{keyRegion}`
 *   (the region of the KMS key a `kmsKeyOf` resource resolved to).
 * - `<name>`: a part the request decides (a thing name, an object key): any value.
 */

/** Who makes a call, and so which policies authorize it. */
export type CallMaker =
  /** The handler, through an AWS SDK v3 client (recorded with aws-sdk-client-mock). */
  | "sdk"
  /** The handler, as a plain HTTPS request (signed with SigV4 unless `unsigned`). */
  | "http"
  /** A device connection (MQTT over mTLS): authorized by the IoT policies of its certificate. */
  | "mqtt"
  /**
   * AWS, on the caller's behalf, for another call it makes: e.g. Secrets Manager decrypting a
   * secret with its customer managed key authorizes `kms:Decrypt` as the caller of GetSecretValue.
   */
  | "implied";

/** The KMS key of a resource the plan creates, found by that resource's name or URL. */
export interface KeyOf {
  /** The key that encrypts this secret (a name in the caller's account and region). */
  secret?: string;
  /** The key that encrypts this queue (its URL). */
  queueUrl?: string;
  /** The default encryption key of this bucket (its name). */
  bucket?: string;
}

export interface DeclaredCall {
  /** The IAM action, as AWS's Service Authorization Reference names it (`iot:DescribeThing`). */
  action: string;
  /** The resource's ARN (a template), `*` for actions without a resource type, or a KMS key. */
  resource: string | { kmsKeyOf: KeyOf };
  /** Default `sdk`. */
  by?: CallMaker;
  /** For `http`: sent without a signature (anonymous); only a resource policy can allow it. */
  unsigned?: boolean;
  /** The role ARN (template) whose credentials the call is made with; the function's own role when absent. */
  as?: string;
  /** For `mqtt`: the secret (name template) holding the certificate the device connects with. */
  certificateInSecret?: string;
  /** Regions the call goes to (templates); the function's own region when absent. */
  regions?: string[];
  /** For `sts:AssumeRole`: the secret (name template) whose value is sent as `sts:ExternalId`. */
  externalIdSecret?: string;
  /** Condition keys the request carries (values are templates), e.g. `events:source`. */
  context?: Record<string, string>;
  /** Only made when the environment says so, e.g. one health check among several. */
  when?: { env: string; includes?: string; equals?: string };
  /** Why the call is made, when its name does not say. */
  why?: string;
}

/** The calls of one principal: a Lambda function's role, or a state machine's role. */
export interface AccessDeclaration {
  /**
   * `{ lambda: CODE }` for the function built from `functions/CODE`; with `purpose`, the second
   * function of that code whose role has that purpose (NodeFunctionArgs.purpose), e.g. capture's
   * trail replay; or a state machine by name.
   */
  runsAs: { lambda: string; purpose?: string } | { stateMachine: string };
  calls: DeclaredCall[];
}
