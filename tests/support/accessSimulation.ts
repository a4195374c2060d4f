/**
 * Simulates the calls functions declare (functions/shared/access.ts) with AWS's policy evaluation
 * as @cloud-copilot/iam-simulate implements it, against the IAM of the planned stacks: the calling
 * role's identity policies, the resource's own policy (KMS key, bucket, access point, secret, API,
 * bus, queue, topic), the trust policy of a role it assumes, and for device calls the IoT policies
 * of the certificate. Calls made with an assumed role are evaluated with that role's policies.
 */
import {
  anonymousPrincipal,
  runSimulation,
  runUnsafeSimulation,
} from "@cloud-copilot/iam-simulate";
import { AccessDeclaration, DeclaredCall } from "../../functions/shared/access";
import { dnsSuffixOf, parseArn } from "../../core/arn";
import { TemplateScope, applies, regionsOf, render, renderOne, sampleOf } from "./accessTemplates";
import {
  NamedPolicy,
  Planned,
  PlannedFunction,
  PlannedWorld,
  PolicyDocument,
  awsLogGroupArn,
} from "./plannedPolicies";

/** Who a simulated request comes from. */
export type SimulatedPrincipal =
  | { kind: "role"; arn: string; identityPolicies: NamedPolicy[] }
  | { kind: "device"; arn: string; identityPolicies: NamedPolicy[] }
  | { kind: "anonymous" };

/** One request, ready to simulate. */
export interface SimulatedCall {
  /** Where it comes from and what it is, for messages: `capture (primary eu-west-1) iot:...`. */
  label: string;
  action: string;
  resource: string;
  resourceAccount: string;
  principal: SimulatedPrincipal;
  resourcePolicy?: PolicyDocument;
  context: Record<string, string | string[]>;
}

export interface SimulationOutcome {
  call: SimulatedCall;
  allowed: boolean;
  /** The decision and which policies made it, for a failure message. */
  why: string;
}

/** A principal that runs declared calls: a planned function, or a state machine's role. */
export interface Caller {
  stack: string;
  name: string;
  account: string;
  region: string;
  partition: string;
  dnsSuffix: string;
  env: Record<string, string>;
  event?: Record<string, string>;
  role: Planned;
  fn?: PlannedFunction;
}

/** The planned principals a declaration speaks for (every instance in both stacks). */
export function callersOf(world: PlannedWorld, declaration: AccessDeclaration): Caller[] {
  if ("lambda" in declaration.runsAs) {
    const { lambda, purpose } = declaration.runsAs;
    return world.functionsOf(lambda, purpose).map(functionCaller);
  }
  return world.stateMachines(declaration.runsAs.stateMachine).map((machine) => {
    const region = machine.resource.region ?? "";
    const { partition } = parseArn(machine.arn);
    return {
      stack: machine.stack,
      name: machine.resource.name,
      account: machine.resource.account ?? "",
      region,
      partition,
      dnsSuffix: dnsSuffixOf(region),
      env: {},
      role: machine.role,
    };
  });
}

/** Every planned function as a caller. */
export function functionCallers(world: PlannedWorld): Caller[] {
  return world.functions().map(functionCaller);
}

/** A planned function as the principal of its calls: its role, place, environment and event. */
function functionCaller(fn: PlannedFunction): Caller {
  return {
    stack: fn.stack,
    name: fn.resource.name,
    account: fn.account,
    region: fn.region,
    partition: fn.partition,
    dnsSuffix: fn.dnsSuffix,
    env: fn.env,
    event: fn.event,
    role: fn.role,
    fn,
  };
}

/**
 * The calls Lambda itself makes with a function's role, as the plan wires the function: its log
 * stream, a VPC function's network interfaces, the pollers of its event source mappings, and its
 * failure destinations
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
export function lambdaServiceCalls(world: PlannedWorld, fn: PlannedFunction): DeclaredCall[] {
  const name = String(fn.resource.revealedState.name);
  const logGroup =
    (fn.resource.revealedInputs.loggingConfig as { logGroup?: string } | undefined)?.logGroup ??
    `/aws/lambda/${name}`;
  const calls: DeclaredCall[] = ["logs:CreateLogStream", "logs:PutLogEvents"].map((action) => ({
    action,
    resource: `arn:{partition}:logs:{region}:{account}:log-group:${logGroup}:log-stream:<stream>`,
  }));
  if (fn.resource.revealedInputs.vpcConfig) {
    // Lambda manages a VPC function's network interfaces with its role (Lambda developer guide,
    // "Giving Lambda functions access to resources in an Amazon VPC", required permissions; the
    // managed policy AWSLambdaVPCAccessExecutionRole v3 also grants ec2:DescribeSubnets).
    calls.push(
      ...[
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ].map((action) => ({ action, resource: "*" })),
    );
  }
  const queueUrlOf = (arn: string) => {
    const queue = world
      .ofType("aws:sqs/queue:Queue")
      .find((q) => String(q.resource.revealedState.arn) === arn);
    if (!queue) throw new Error(`the plan has no queue ${arn}`);
    return String(queue.resource.revealedState.url);
  };
  // Sending to an SQS queue encrypted with a customer managed key needs the key too.
  const sendTo = (queueArn: string): DeclaredCall[] => [
    { action: "sqs:SendMessage", resource: queueArn },
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action): DeclaredCall => ({
      action,
      resource: { kmsKeyOf: { queueUrl: queueUrlOf(queueArn) } },
      by: "implied",
      // SQS calls KMS for the sender: the request reaches KMS through SQS.
      context: { "kms:ViaService": "sqs.{region}.{dnsSuffix}" },
    })),
  ];
  const own = (p: Planned) =>
    p.stack === fn.stack && String(p.resource.revealedInputs.functionName) === name;
  for (const mapping of world
    .ofType("aws:lambda/eventSourceMapping:EventSourceMapping")
    .filter(own)) {
    const inputs = mapping.resource.revealedInputs;
    const source = String(inputs.eventSourceArn);
    if (source.includes(":dynamodb:")) {
      calls.push(
        ...["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"].map(
          (action) => ({ action, resource: source }),
        ),
        { action: "dynamodb:ListStreams", resource: "*" },
      );
    } else if (source.includes(":sqs:")) {
      calls.push(
        ...["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"].map((action) => ({
          action,
          resource: source,
        })),
        {
          action: "kms:Decrypt",
          resource: { kmsKeyOf: { queueUrl: queueUrlOf(source) } },
          by: "implied",
          context: { "kms:ViaService": "sqs.{region}.{dnsSuffix}" },
        },
      );
    } else {
      throw new Error(`event source ${source}: teach lambdaServiceCalls its poller's calls`);
    }
    const failure = (inputs.destinationConfig as { onFailure?: { destinationArn?: string } })
      ?.onFailure?.destinationArn;
    if (failure) calls.push(...sendTo(failure));
  }
  // The FIS Lambda extension reads a running experiment's faults with the function's role
  // (https://docs.aws.amazon.com/fis/latest/userguide/use-lambda-actions.html, "Prerequisites").
  const env =
    (fn.resource.revealedInputs.environment as { variables?: Record<string, string> } | undefined)
      ?.variables ?? {};
  const location = env.AWS_FIS_CONFIGURATION_LOCATION;
  if (location) {
    const bucketArn = location.slice(0, location.indexOf("/"));
    const bucket = bucketArn.split(":").pop() ?? "";
    calls.push(
      {
        action: "s3:ListBucket",
        resource: bucketArn,
        context: { "s3:prefix": location.slice(bucketArn.length + 1) },
      },
      { action: "s3:GetObject", resource: `${location}<experiment>` },
    );
    const encryption = world
      .ofType(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      )
      .find((e) => e.stack === fn.stack && e.resource.revealedInputs.bucket === bucket);
    const key = (
      encryption?.resource.revealedInputs.rules as
        { applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string } }[] | undefined
    )?.[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId;
    if (key) {
      // S3 decrypts a KMS-encrypted object as the reader, through S3.
      calls.push({
        action: "kms:Decrypt",
        resource: key,
        by: "implied",
        context: { "kms:ViaService": "s3.{region}.{dnsSuffix}" },
      });
    }
  }
  for (const config of world
    .ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    .filter(own)) {
    const destination = (
      config.resource.revealedInputs.destinationConfig as
        { onFailure?: { destination?: string } } | undefined
    )?.onFailure?.destination;
    if (destination) calls.push(...sendTo(destination));
  }
  return calls;
}

/** The template scope of a caller: its place, its env and the deployment's facts. */
export function scopeOf(world: PlannedWorld, caller: Caller): TemplateScope {
  return {
    partition: caller.partition,
    region: caller.region,
    account: caller.account,
    dnsSuffix: caller.dnsSuffix,
    env: caller.env,
    event: caller.event,
    lookup: (name, arg, scope) => {
      const need = (): string => {
        if (!arg) throw new Error(`{${name}} needs an argument`);
        return arg;
      };
      switch (name) {
        case "pairRegions":
          return world.pairRegions();
        case "function":
          return world.functionArn(need(), scope.account, scope.region);
        case "vpcEndpoint":
          if (!caller.fn) throw new Error(`{vpcEndpoint} is only known for functions`);
          return world.vpcEndpointOf(caller.fn, need());
        case "executeApi": {
          const [method, url] = need().split(" ");
          return world.executeApiArn(method, url);
        }
        case "ssmParameter":
          return world.ssmParameter(need(), scope.account, caller.region);
        case "accessPointBuckets":
          return world.accessPointBuckets(need());
        default:
          throw new Error(`unknown template token {${name}}`);
      }
    },
  };
}

/** Every request a declaration's calls make, for every planned caller, ready to simulate. */
export function declaredRequests(
  world: PlannedWorld,
  declaration: AccessDeclaration,
): SimulatedCall[] {
  return callersOf(world, declaration).flatMap((caller) =>
    declaration.calls
      .filter((call) => applies(call, caller.env))
      .flatMap((call) => requestsOf(world, caller, call)),
  );
}

/** The requests one declared call makes for one caller (one per region and resource). */
export function requestsOf(
  world: PlannedWorld,
  caller: Caller,
  call: DeclaredCall,
): SimulatedCall[] {
  const scope = scopeOf(world, caller);
  return regionsOf(call, scope).flatMap((region) => {
    const here: TemplateScope = { ...scope, region };
    const principal = principalOf(world, caller, call, here);
    return resourcesOf(world, caller, call, here).map(({ arn, keyRegion }) => {
      const bound: TemplateScope = {
        ...here,
        bindings: keyRegion ? { keyRegion } : undefined,
      };
      const resource = awsLogGroupArn(sampleOf(arn));
      const context: Record<string, string | string[]> = {
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": region,
      };
      if (principal.kind === "role") {
        context["aws:PrincipalArn"] = principal.arn;
        context["aws:PrincipalAccount"] = parseArn(principal.arn).account;
      }
      for (const [key, value] of Object.entries(call.context ?? {})) {
        context[key] = renderOne(value, bound);
      }
      if (call.externalIdSecret) {
        // The caller reads the secret in its own account and region, and sends its value.
        context["sts:ExternalId"] = world.secretValue(
          renderOne(call.externalIdSecret, here),
          caller.account,
          caller.region,
        );
      }
      const who = principal.kind === "role" && call.as ? ` as ${principal.arn}` : "";
      return {
        label: `${caller.name} (${caller.stack}, ${caller.account} ${region})${who}: ${call.action} on ${resource}`,
        action: call.action,
        resource,
        resourceAccount: accountOfResource(world, resource, principal, caller),
        principal,
        // A role's trust policy governs who assumes it, not who passes it: iam:PassRole is
        // authorized by the passer's identity policy alone (IAM User Guide, "Grant a user
        // permissions to pass a role to an AWS service"), and the role passed may not be the plan's.
        resourcePolicy:
          call.action === "iam:PassRole"
            ? undefined
            : world.resourcePolicyOf(resource, caller.stack),
        context,
      };
    });
  });
}

function principalOf(
  world: PlannedWorld,
  caller: Caller,
  call: DeclaredCall,
  scope: TemplateScope,
): SimulatedPrincipal {
  if (call.by === "mqtt") {
    if (!call.certificateInSecret) throw new Error(`${call.action}: mqtt calls name their secret`);
    const { certificateArn, policies } = world.iotPoliciesOfCertificateInSecret(
      renderOne(call.certificateInSecret, scope),
      caller.account,
      scope.region,
    );
    return { kind: "device", arn: certificateArn, identityPolicies: policies };
  }
  if (call.unsigned) return { kind: "anonymous" };
  const role = call.as ? world.roleInStack(renderOne(call.as, scope), caller.stack) : caller.role;
  const { arn, identityPolicies } = world.principalOf(role);
  return { kind: "role", arn, identityPolicies };
}

function resourcesOf(
  world: PlannedWorld,
  caller: Caller,
  call: DeclaredCall,
  scope: TemplateScope,
): { arn: string; keyRegion?: string }[] {
  if (typeof call.resource === "string")
    return render(call.resource, scope).map((arn) => ({ arn }));
  const { secret, queueUrl, bucket } = call.resource.kmsKeyOf;
  const keys: string[] = [];
  if (secret) keys.push(world.keyOfSecret(renderOne(secret, scope), caller.account, scope.region));
  if (queueUrl) {
    const key = world.keyOfQueue(renderOne(queueUrl, scope));
    // A queue with an SQS-owned or AWS managed key needs no permission on it.
    if (key) keys.push(key);
  }
  if (bucket)
    keys.push(...render(bucket, scope).map((name) => world.keyOfBucket(name, caller.stack)));
  return keys.map((arn) => ({ arn, keyRegion: parseArn(arn).region }));
}

/** The account that owns the resource: its ARN's, or (S3 buckets, `*`) the plan's or the caller's. */
function accountOfResource(
  world: PlannedWorld,
  resource: string,
  principal: SimulatedPrincipal,
  caller: Caller,
): string {
  if (resource === "*")
    return principal.kind === "anonymous" ? caller.account : accountOf(principal);
  const { account, service, resource: path } = parseArn(resource);
  if (account) return account;
  if (service === "s3") {
    const bucket = world
      .ofType("aws:s3/bucket:Bucket")
      .find((b) => String(b.resource.revealedState.bucket) === path.split("/")[0]);
    if (bucket?.resource.account) return bucket.resource.account;
  }
  return caller.account;
}

function accountOf(principal: SimulatedPrincipal): string {
  return principal.kind === "anonymous" ? "" : parseArn(principal.arn).account;
}

/**
 * A Multi-Region Access Point's objects have no resource type in the Service Authorization
 * Reference, though AWS documents policies on `arn:aws:s3::<account>:accesspoint/<alias>/object/*`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointPermissions.html):
 * such requests are evaluated without the reference's resource-type check.
 */
const MRAP_OBJECT = /^arn:[\w-]+:s3::\d{12}:accesspoint\/[^/]+\.mrap\/object\//;

/**
 * iam-simulate 0.1.173 drops request context keys whose variable part follows a colon (it matches
 * only `/` variables such as `aws:PrincipalTag/x`), so a `kms:EncryptionContext:<key>` condition
 * could never match. Such conditions (StringEquals and StringLike, the operators the plan uses) are judged
 * here against the request's context and removed when they hold; one that does not hold keeps
 * the statement from matching, as AWS would.
 */
function withEncryptionContextJudged<T>(policy: T, context: Record<string, string | string[]>): T {
  if (!policy) return policy;
  const copy = JSON.parse(JSON.stringify(policy)) as { Statement?: unknown };
  const statements = [copy.Statement ?? []].flat() as {
    Condition?: Record<string, Record<string, string | string[]>>;
  }[];
  for (const statement of statements) {
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      for (const [key, expected] of Object.entries(keys)) {
        if (!/^kms:EncryptionContext:/i.test(key)) continue;
        if (operator !== "StringEquals" && operator !== "StringLike") {
          throw new Error(`${operator} on ${key}: teach withEncryptionContextJudged`);
        }
        const sent = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase());
        const holds =
          sent !== undefined &&
          [expected]
            .flat()
            .some((value) =>
              operator === "StringEquals"
                ? value === String(sent[1])
                : globMatch(value, String(sent[1])),
            );
        delete keys[key];
        if (!holds) keys["aws:PrincipalArn"] = "arn:aws:iam::000000000000:role/encryption-context";
      }
    }
  }
  return copy as T;
}

/** IAM's StringLike: `*` any run of characters, `?` one character. */
function globMatch(pattern: string, value: string): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`).test(value);
}

/** Runs AWS's evaluation of one request. */
export async function simulate(call: SimulatedCall): Promise<SimulationOutcome> {
  const identityPolicies =
    call.principal.kind === "anonymous"
      ? []
      : call.principal.identityPolicies.map((p) => ({
          ...p,
          policy: withEncryptionContextJudged(p.policy, call.context),
        }));
  const simulation = {
    request: {
      principal: call.principal.kind === "anonymous" ? anonymousPrincipal : call.principal.arn,
      action: call.action,
      resource: { resource: call.resource, accountId: call.resourceAccount },
      contextVariables: call.context,
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: withEncryptionContextJudged(call.resourcePolicy, call.context),
  };
  if (MRAP_OBJECT.test(call.resource)) {
    // Given as already validated: the unsafe path reads the policy's name from its metadata.
    const resourcePolicy = call.resourcePolicy && {
      __validated: true,
      policyDocument: call.resourcePolicy,
      metadata: { name: "resource policy" },
      errors: [],
    };
    const result = runUnsafeSimulation({ ...simulation, resourcePolicy }, {});
    return { call, allowed: result === "Allowed", why: result };
  }
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") {
    return { call, allowed: false, why: `not simulated: ${JSON.stringify(response.errors)}` };
  }
  const allowed = response.overallResult === "Allowed";
  const analysis = response.resultType === "single" ? response.result.analysis : undefined;
  const why = [
    response.overallResult,
    analysis?.identityAnalysis ? `identity: ${analysis.identityAnalysis.result}` : "",
    analysis?.resourceAnalysis ? `resource policy: ${analysis.resourceAnalysis.result}` : "",
    call.resourcePolicy ? "" : "(no resource policy)",
  ]
    .filter(Boolean)
    .join(", ");
  return { call, allowed, why };
}

/** Simulates every request; the denied ones as readable lines. */
export async function deniedAmong(calls: SimulatedCall[]): Promise<string[]> {
  const outcomes = await Promise.all(calls.map(simulate));
  return outcomes.filter((o) => !o.allowed).map((o) => `${o.call.label}: ${o.why}`);
}
