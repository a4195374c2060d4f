/**
 * The IAM of the planned stacks, read back from the plan as AWS would hold it after `pulumi up`:
 * a principal's identity policies (role policies, inline and managed policies), a resource's own
 * policy (KMS key, bucket, Multi-Region Access Point, secret, API, bus, queue, topic) and the trust
 * policy of a role; plus the facts the access declarations name (functions, endpoints, parameters).
 *
 * Both stacks form one world: IAM is global and a stack may assume a role the other one created.
 */
import { PlannedResource } from "../../plan/engine";
import { answerInvoke } from "../../plan/mocks/invokes";
import { placementOf } from "../../plan/mocks/placement";
import { StackReport } from "../../plan/run";
import { dnsSuffixOf, parseArn, partitionOf } from "../../core/arn";

export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

export interface NamedPolicy {
  name: string;
  policy: PolicyDocument;
}

/** A resource of one stack (resources of the two stacks can share an ARN in the mocks). */
export interface Planned {
  stack: string;
  resource: PlannedResource;
}

/** A Lambda function of the plan with what its declaration's templates need. */
export interface PlannedFunction extends Planned {
  /** The folder under functions/ it was built from. */
  code: string;
  /** What a second function of the same code is for (NodeFunctionArgs.purpose), if it is one. */
  purpose?: string;
  account: string;
  region: string;
  partition: string;
  dnsSuffix: string;
  arn: string;
  env: Record<string, string>;
  /** The event a planned `aws:lambda/invocation:Invocation` sends it at deploy, if any. */
  event: Record<string, string>;
  role: Planned;
}

/** A principal that calls AWS: a role and its identity policies. */
export interface PlannedPrincipal {
  arn: string;
  account: string;
  identityPolicies: NamedPolicy[];
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/**
 * The offline mocks name CloudWatch log groups `log-group/<name>` where AWS has `log-group:<name>`
 * (issue 11, item 8, fixed on another branch). Both forms are read as AWS's, so a log-group ARN
 * in a policy and in a request compare as they would in AWS.
 */
export function awsLogGroupArn(text: string): string {
  return text.replace(/(arn:[\w-]+:logs:[\w-]*:\d*:log-group)\//g, "$1:");
}

/** Parses a policy document held as a JSON string (or object), with log-group ARNs in AWS's form. */
export function policyOf(value: unknown): PolicyDocument {
  const json = typeof value === "string" ? value : JSON.stringify(value);
  const doc = JSON.parse(awsLogGroupArn(json)) as PolicyDocument;
  // A single statement may be written without the array.
  const statements: unknown = doc.Statement;
  if (!Array.isArray(statements)) doc.Statement = [statements as Record<string, unknown>];
  return doc;
}

/**
 * The key policy AWS gives a key created without one: the account's root may do everything, which
 * lets IAM policies of the account grant use of the key
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export function defaultKeyPolicy(partition: string, account: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

export class PlannedWorld {
  private readonly all: Planned[];

  constructor(readonly reports: StackReport[]) {
    this.all = reports.flatMap((report) =>
      report.resources.map((resource) => ({ stack: report.stack, resource })),
    );
  }

  /** Resources of a type, optionally in one stack. */
  ofType(type: string, stack?: string): Planned[] {
    return this.all.filter((p) => p.resource.type === type && (!stack || p.stack === stack));
  }

  /** The resource of a type with this `name` input in an account and region, if planned. */
  named(type: string, name: string, account: string, region: string): Planned | undefined {
    return this.ofType(type).find(
      (p) =>
        str(p.resource.revealedInputs.name) === name &&
        p.resource.account === account &&
        p.resource.region === region,
    );
  }

  /** A secret by its name or its ARN (Secrets Manager accepts both), if planned. */
  private secretOf(nameOrArn: string, account: string, region: string): Planned | undefined {
    const type = "aws:secretsmanager/secret:Secret";
    return (
      this.named(type, nameOrArn, account, region) ??
      this.ofType(type).find(
        (s) =>
          str(s.resource.revealedState.arn) === nameOrArn &&
          s.resource.account === account &&
          s.resource.region === region,
      )
    );
  }

  /** Both regions of the pair, primary first. */
  pairRegions(): string[] {
    const byRole = (role: string) =>
      this.reports.find((r) => r.outputs.role === role)?.outputs.region as string | undefined;
    const regions = [byRole("primary"), byRole("secondary")].filter((r): r is string => !!r);
    if (regions.length !== 2) throw new Error("the plan does not hold both stacks of the pair");
    return regions;
  }

  // ---- principals

  private plannedFunctions?: PlannedFunction[];

  /**
   * Every planned function, with the folder it was built from (its role says `Runs <code>:`);
   * worked out once, as the plan does not change.
   */
  functions(): PlannedFunction[] {
    this.plannedFunctions ??= this.ofType("aws:lambda/function:Function").map((fn) => {
      const inputs = fn.resource.revealedInputs;
      const state = fn.resource.revealedState;
      const role = this.roleInStack(str(inputs.role), fn.stack);
      const [, code, purpose] =
        /^Runs (\w+)(?: for (\w+))?:/.exec(str(role.resource.revealedInputs.description)) ?? [];
      if (!code)
        throw new Error(`function ${fn.resource.name}: its role does not say what it runs`);
      const region = fn.resource.region ?? "";
      const env = (inputs.environment as { variables?: Record<string, string> } | undefined)
        ?.variables;
      return {
        ...fn,
        code,
        purpose,
        account: fn.resource.account ?? "",
        region,
        partition: partitionOf(region),
        dnsSuffix: dnsSuffixOf(region),
        arn: str(state.arn),
        env: { ...(env ?? {}) },
        event: this.invocationInputOf(str(state.name), fn.stack),
        role,
      };
    });
    return this.plannedFunctions;
  }

  /** The input of the deploy-time invocation of a function (by name), as string fields. */
  private invocationInputOf(functionName: string, stack: string): Record<string, string> {
    const invocation = this.ofType("aws:lambda/invocation:Invocation").find(
      (i) => i.stack === stack && str(i.resource.revealedInputs.functionName) === functionName,
    );
    if (!invocation) return {};
    const input = JSON.parse(str(invocation.resource.revealedInputs.input)) as Record<
      string,
      unknown
    >;
    return Object.fromEntries(
      Object.entries(input).filter(([, v]) => typeof v === "string") as [string, string][],
    );
  }

  /** The functions built from `functions/<code>`: its main ones, or those with `purpose`. */
  functionsOf(code: string, purpose?: string): PlannedFunction[] {
    const found = this.functions().filter((f) => f.code === code && f.purpose === purpose);
    if (found.length === 0)
      throw new Error(
        `the plan has no function built from functions/${code}${purpose ? ` for ${purpose}` : ""}`,
      );
    return found;
  }

  /** State machines by name, with their roles. */
  stateMachines(name: string): (Planned & { role: Planned; arn: string })[] {
    const found = this.ofType("aws:sfn/stateMachine:StateMachine").filter(
      (m) => str(m.resource.revealedInputs.name) === name,
    );
    if (found.length === 0) throw new Error(`the plan has no state machine ${name}`);
    return found.map((m) => ({
      ...m,
      arn: str(m.resource.revealedState.arn),
      role: this.roleInStack(str(m.resource.revealedInputs.roleArn), m.stack),
    }));
  }

  /** The role with this ARN, from `stack` first (the mocks may give two stacks' roles one ARN). */
  roleInStack(arn: string, stack?: string): Planned {
    const roles = this.ofType("aws:iam/role:Role").filter(
      (r) => str(r.resource.revealedState.arn) === arn,
    );
    const found = roles.find((r) => r.stack === stack) ?? roles[0];
    if (!found) throw new Error(`the plan has no role ${arn}`);
    return found;
  }

  /** A role's identity policies: its role policies, inline policies and managed attachments. */
  principalOf(role: Planned): PlannedPrincipal {
    const { resource, stack } = role;
    const name = str(resource.revealedState.name) || str(resource.revealedInputs.name);
    const arn = str(resource.revealedState.arn);
    const policies: NamedPolicy[] = [];
    const sameRole = (p: Planned) =>
      p.stack === stack &&
      p.resource.account === resource.account &&
      str(p.resource.revealedInputs.role) === name;
    for (const p of this.ofType("aws:iam/rolePolicy:RolePolicy").filter(sameRole)) {
      policies.push({ name: p.resource.name, policy: policyOf(p.resource.revealedInputs.policy) });
    }
    const inline = resource.revealedInputs.inlinePolicies as
      { name?: string; policy?: string }[] | undefined;
    for (const [i, p] of (inline ?? []).entries()) {
      if (p.policy) policies.push({ name: p.name ?? `inline-${i}`, policy: policyOf(p.policy) });
    }
    const managed = [
      ...((resource.revealedInputs.managedPolicyArns as string[] | undefined) ?? []),
      ...this.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter(sameRole)
        .map((a) => str(a.resource.revealedInputs.policyArn)),
    ];
    for (const policyArn of managed) policies.push(this.managedPolicy(policyArn, stack));
    return { arn, account: parseArn(arn).account, identityPolicies: policies };
  }

  private managedPolicy(arn: string, stack: string): NamedPolicy {
    const found =
      this.ofType("aws:iam/policy:Policy", stack).find(
        (p) => str(p.resource.revealedState.arn) === arn,
      ) ??
      this.ofType("aws:iam/policy:Policy").find((p) => str(p.resource.revealedState.arn) === arn);
    if (!found) {
      // An AWS managed policy's document is not in the plan: name it here when one is used.
      throw new Error(`managed policy ${arn} is not in the plan; its document is unknown`);
    }
    return { name: found.resource.name, policy: policyOf(found.resource.revealedInputs.policy) };
  }

  /** The trust policy of a role. */
  trustPolicyOf(role: Planned): PolicyDocument {
    return policyOf(role.resource.revealedInputs.assumeRolePolicy);
  }

  // ---- resources and their policies

  /** The resource's own policy, where its service has one; undefined when it has none. */
  resourcePolicyOf(arn: string, stack?: string): PolicyDocument | undefined {
    if (arn === "*") return undefined;
    const { service, account, resource, partition } = parseArn(arn);
    const prefer = (found: Planned[]) => found.find((p) => p.stack === stack) ?? found[0];
    switch (service) {
      case "kms": {
        const key = this.keyByArn(arn);
        const keyPolicy = this.ofType("aws:kms/keyPolicy:KeyPolicy").find(
          (p) => str(p.resource.revealedInputs.keyId) === str(key.resource.revealedState.keyId),
        );
        const policy =
          keyPolicy?.resource.revealedInputs.policy ?? key.resource.revealedInputs.policy;
        return policy ? policyOf(policy) : defaultKeyPolicy(partition, account);
      }
      case "iam":
        return resource.startsWith("role/")
          ? this.trustPolicyOf(this.roleInStack(arn, stack))
          : undefined;
      case "secretsmanager": {
        const policy = prefer(
          this.ofType("aws:secretsmanager/secretPolicy:SecretPolicy").filter((p) =>
            sameSecret(str(p.resource.revealedInputs.secretArn), arn),
          ),
        );
        return policy ? policyOf(policy.resource.revealedInputs.policy) : undefined;
      }
      case "s3": {
        if (resource.startsWith("accesspoint/")) return this.accessPointPolicy(arn);
        const bucket = resource.split("/")[0];
        const policy = prefer(
          this.ofType("aws:s3/bucketPolicy:BucketPolicy").filter(
            (p) => str(p.resource.revealedInputs.bucket) === bucket,
          ),
        );
        return policy ? policyOf(policy.resource.revealedInputs.policy) : undefined;
      }
      case "execute-api":
        return this.apiPolicy(arn);
      case "events": {
        const bus = this.ofType("aws:cloudwatch/eventBus:EventBus").find(
          (b) => str(b.resource.revealedState.arn) === arn,
        );
        if (!bus) return undefined;
        const policy = this.ofType("aws:cloudwatch/eventBusPolicy:EventBusPolicy").find(
          (p) =>
            p.resource.account === bus.resource.account &&
            p.resource.region === bus.resource.region &&
            str(p.resource.revealedInputs.eventBusName) === str(bus.resource.revealedState.name),
        );
        return policy ? policyOf(policy.resource.revealedInputs.policy) : undefined;
      }
      case "sqs": {
        const queue = this.queueByArn(arn);
        const policy = this.ofType("aws:sqs/queuePolicy:QueuePolicy").find(
          (p) => str(p.resource.revealedInputs.queueUrl) === str(queue?.resource.revealedState.url),
        );
        return policy ? policyOf(policy.resource.revealedInputs.policy) : undefined;
      }
      case "sns": {
        const policy = this.ofType("aws:sns/topicPolicy:TopicPolicy").find(
          (p) => str(p.resource.revealedInputs.arn) === arn,
        );
        return policy ? policyOf(policy.resource.revealedInputs.policy) : undefined;
      }
      default:
        return undefined;
    }
  }

  keyByArn(arn: string): Planned {
    const key = this.ofType("aws:kms/key:Key").find(
      (k) => str(k.resource.revealedState.arn) === arn,
    );
    if (!key) throw new Error(`the plan has no KMS key ${arn}`);
    return key;
  }

  private queueByArn(arn: string): Planned | undefined {
    return this.ofType("aws:sqs/queue:Queue").find(
      (q) => str(q.resource.revealedState.arn) === arn,
    );
  }

  /** A Multi-Region Access Point's policy, by the access point's ARN (or an object under it). */
  private accessPointPolicy(arn: string): PolicyDocument | undefined {
    const point = this.accessPoint(arn);
    const name = str((point.resource.revealedInputs.details as { name?: string }).name);
    const policy = this.ofType(
      "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy",
    ).find((p) => (p.resource.revealedInputs.details as { name?: string }).name === name);
    const details = policy?.resource.revealedInputs.details as { policy?: string } | undefined;
    return details?.policy ? policyOf(details.policy) : undefined;
  }

  private accessPoint(arn: string): Planned {
    const point = this.ofType("aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint").find(
      (p) => {
        const own = str(p.resource.revealedState.arn);
        return arn === own || arn.startsWith(`${own}/`);
      },
    );
    if (!point) throw new Error(`the plan has no Multi-Region Access Point for ${arn}`);
    return point;
  }

  /** The buckets behind a Multi-Region Access Point. */
  accessPointBuckets(arn: string): string[] {
    const details = this.accessPoint(arn).resource.revealedInputs.details as {
      regions: { bucket: string }[];
    };
    return details.regions.map((r) => r.bucket);
  }

  /**
   * A REST API's resource policy, with API Gateway's shorthand `execute-api:/...` expanded to the
   * API's own ARN, as API Gateway does when it saves the policy.
   */
  private apiPolicy(arn: string): PolicyDocument | undefined {
    const api = this.apiOf(arn);
    const policy =
      this.ofType("aws:apigateway/restApiPolicy:RestApiPolicy").find(
        (p) => str(p.resource.revealedInputs.restApiId) === parseArn(arn).resource.split("/")[0],
      )?.resource.revealedInputs.policy ?? api.resource.revealedInputs.policy;
    if (!policy) return undefined;
    const executionArn = str(api.resource.revealedState.executionArn);
    const json = typeof policy === "string" ? policy : JSON.stringify(policy);
    return policyOf(json.replace(/"execute-api:\//g, `"${executionArn}/`));
  }

  private apiOf(arn: string): Planned {
    const id = parseArn(arn).resource.split("/")[0];
    const api = this.ofType("aws:apigateway/restApi:RestApi").find((a) =>
      str(a.resource.revealedState.executionArn).endsWith(`:${id}`),
    );
    if (!api) throw new Error(`the plan has no REST API ${id}`);
    return api;
  }

  /** The `execute-api` ARN of a request to an invoke URL `https://<id>.execute-api.<region>.../<stage>/<path>`. */
  executeApiArn(method: string, url: string): string {
    const { hostname, pathname } = new URL(url);
    const id = hostname.split(".")[0];
    const api = this.ofType("aws:apigateway/restApi:RestApi").find((a) =>
      str(a.resource.revealedState.executionArn).endsWith(`:${id}`),
    );
    if (!api) throw new Error(`no planned REST API answers ${url}`);
    const [stage, ...path] = pathname.replace(/^\//, "").split("/");
    return `${str(api.resource.revealedState.executionArn)}/${stage}/${method}/${path.join("/")}`;
  }

  /** The KMS key ARN that encrypts a secret (by name, in an account and region). */
  keyOfSecret(name: string, account: string, region: string): string {
    const secret = this.secretNamed(name, account, region);
    const key = str(secret.resource.revealedInputs.kmsKeyId);
    if (!key) throw new Error(`secret ${name} uses the AWS managed key aws/secretsmanager`);
    return this.keyArnOf(key, account, region);
  }

  secretNamed(name: string, account: string, region: string): Planned {
    const found = this.secretOf(name, account, region);
    if (!found) throw new Error(`the plan has no secret ${name} in ${account} ${region}`);
    return found;
  }

  /**
   * The value a function reads from a secret: the planned secret version, or for a secret the
   * operator creates (read by the program through getSecretVersion) the value the plan used.
   */
  secretValue(name: string, account: string, region: string): string {
    const secret = this.named("aws:secretsmanager/secret:Secret", name, account, region);
    if (secret) {
      const version = this.ofType("aws:secretsmanager/secretVersion:SecretVersion").find(
        (v) => str(v.resource.revealedInputs.secretId) === str(secret.resource.revealedState.arn),
      );
      if (!version) throw new Error(`secret ${name} has no planned value`);
      return str(version.resource.revealedInputs.secretString);
    }
    const answer = answerInvoke(
      "aws:secretsmanager/getSecretVersion:getSecretVersion",
      { secretId: name },
      placementOf(account, region),
      "",
    );
    return str(answer.secretString);
  }

  /** The KMS key ARN that encrypts a queue (by URL); undefined for SQS-owned or AWS managed keys. */
  keyOfQueue(url: string): string | undefined {
    const queue = this.ofType("aws:sqs/queue:Queue").find(
      (q) => str(q.resource.revealedState.url) === url,
    );
    if (!queue) throw new Error(`the plan has no queue ${url}`);
    const key = str(queue.resource.revealedInputs.kmsMasterKeyId);
    if (!key || key === "alias/aws/sqs") return undefined;
    return this.keyArnOf(key, queue.resource.account ?? "", queue.resource.region ?? "");
  }

  /**
   * The default encryption key ARN of a bucket (by name), from `stack` first: the mocks may give
   * two stacks' buckets one name (each stack's trail bucket), which S3's global names never do.
   */
  keyOfBucket(bucket: string, stack?: string): string {
    const configs = this.ofType(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).filter((c) => str(c.resource.revealedInputs.bucket) === bucket);
    const config = configs.find((c) => c.stack === stack) ?? configs.at(0);
    if (!config) throw new Error(`the plan has no default encryption of bucket ${bucket}`);
    const rules = config.resource.revealedInputs.rules as
      { applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string } }[] | undefined;
    const key = rules?.[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId;
    if (!key) throw new Error(`bucket ${bucket} has no customer managed default key in the plan`);
    return this.keyArnOf(key, config.resource.account ?? "", config.resource.region ?? "");
  }

  /** A key id, ARN or alias as the plan holds it -> the key's ARN. */
  private keyArnOf(key: string, account: string, region: string): string {
    if (key.startsWith("arn:") && key.includes(":key/")) return key;
    const alias = key.replace(/^arn:[^:]+:kms:[^:]*:\d*:/, "");
    if (alias.startsWith("alias/")) {
      const found = this.named("aws:kms/alias:Alias", alias, account, region);
      const target = str(found?.resource.revealedInputs.targetKeyId);
      const keyRes = this.ofType("aws:kms/key:Key").find(
        (k) => str(k.resource.revealedState.keyId) === target,
      );
      if (!keyRes) throw new Error(`alias ${alias} in ${account} ${region} names no planned key`);
      return str(keyRes.resource.revealedState.arn);
    }
    const byId = this.ofType("aws:kms/key:Key").find(
      (k) => str(k.resource.revealedState.keyId) === key,
    );
    if (!byId) throw new Error(`the plan has no KMS key ${key}`);
    return str(byId.resource.revealedState.arn);
  }

  /**
   * A certificate issued at deploy by a function the plan invokes (`aws.lambda.Invocation`) that
   * writes it into the secret and attaches the policy its input names; undefined otherwise. Its
   * ARN exists only once issued, so it stands as `cert/<issued>`.
   */
  private certificateIssuedInto(
    name: string,
    account: string,
    region: string,
  ): { certificateArn: string; policies: NamedPolicy[] } | undefined {
    const secret = this.named("aws:secretsmanager/secret:Secret", name, account, region);
    if (!secret) return undefined;
    const secretArn = str(secret.resource.revealedState.arn);
    const issuer = this.functions().find(
      (f) => f.account === account && f.region === region && f.event.secretId === secretArn,
    );
    if (!issuer) return undefined;
    return {
      certificateArn: `arn:${issuer.partition}:iot:${region}:${account}:cert/issued`,
      policies: [this.iotPolicy(issuer.event.policyName, account, region)],
    };
  }

  /** A planned IoT policy by name in an account and region. */
  private iotPolicy(name: string, account: string, region: string): NamedPolicy {
    const policy = this.named("aws:iot/policy:Policy", name, account, region);
    if (!policy) throw new Error(`IoT policy ${name} is not in the plan`);
    return { name, policy: policyOf(policy.resource.revealedInputs.policy) };
  }

  /** The IoT policies attached to the certificate whose PEM a secret holds. */
  iotPoliciesOfCertificateInSecret(
    name: string,
    account: string,
    region: string,
  ): {
    certificateArn: string;
    policies: NamedPolicy[];
  } {
    const issued = this.certificateIssuedInto(name, account, region);
    if (issued) return issued;
    const value = JSON.parse(this.secretValue(name, account, region)) as {
      certificatePem?: string;
    };
    const cert = this.ofType("aws:iot/certificate:Certificate").find(
      (c) =>
        str(c.resource.revealedState.certificatePem) === value.certificatePem &&
        c.resource.account === account &&
        c.resource.region === region,
    );
    if (!cert) throw new Error(`secret ${name} holds no certificate the plan creates`);
    const certificateArn = str(cert.resource.revealedState.arn);
    const policies = this.ofType("aws:iot/policyAttachment:PolicyAttachment")
      .filter((a) => str(a.resource.revealedInputs.target) === certificateArn)
      .map((a) => this.iotPolicy(str(a.resource.revealedInputs.policy), account, region));
    return { certificateArn, policies };
  }

  /** The ARN of this deployment's function built from `functions/<code>`, in an account and region. */
  functionArn(code: string, account: string, region: string): string {
    const found = this.functionsOf(code).find((f) => f.account === account && f.region === region);
    if (!found) throw new Error(`no function of functions/${code} in ${account} ${region}`);
    return found.arn;
  }

  /** The id of the interface endpoint for `service` in the VPC of a function. */
  vpcEndpointOf(fn: PlannedFunction, service: string): string {
    const subnets =
      (fn.resource.revealedInputs.vpcConfig as { subnetIds?: string[] } | undefined)?.subnetIds ??
      [];
    const subnet = this.ofType("aws:ec2/subnet:Subnet", fn.stack).find((s) =>
      subnets.includes(str(s.resource.revealedState.arn).split("/").pop() ?? ""),
    );
    if (!subnet) throw new Error(`function ${fn.resource.name} is not in a planned VPC`);
    const vpcId = str(subnet.resource.revealedInputs.vpcId);
    const endpoint = this.ofType("aws:ec2/vpcEndpoint:VpcEndpoint", fn.stack).find(
      (e) =>
        str(e.resource.revealedInputs.vpcId) === vpcId &&
        str(e.resource.revealedInputs.serviceName).endsWith(`.${service}`),
    );
    if (!endpoint) throw new Error(`the VPC of ${fn.resource.name} has no ${service} endpoint`);
    return str(endpoint.resource.revealedState.arn).split("/").pop() ?? "";
  }

  /** The value the deployment writes to an SSM parameter in an account and region. */
  ssmParameter(name: string, account: string, region: string): string {
    const found = this.named("aws:ssm/parameter:Parameter", name, account, region);
    if (!found) throw new Error(`the plan writes no parameter ${name} in ${account} ${region}`);
    return str(found.resource.revealedInputs.value);
  }
}

/** A secret ARN compared by name, whatever its random suffix. */
function sameSecret(a: string, b: string): boolean {
  const name = (arn: string) => arn.replace(/-[A-Za-z0-9]{6}$/, "");
  return name(a) === name(b);
}
