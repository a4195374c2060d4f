import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dnsSuffixOf, formatArn } from "../../core/arn";
import { policyDocument } from "../iam/policyDocument";
import { NodeFunction } from "../lambda/nodeFunction";
import type { IotPlaneNames } from "./names";
import { retained } from "../shared/retained";
import { componentOptions } from "../shared/formerTypes";

/** Arguments of {@link HealthProbe}. */
export interface HealthProbeArgs {
  account: string;
  partition: string;
  region: string;
  /** The plane's key: the secret is encrypted with it. */
  kmsKeyArn: pulumi.Input<string>;
  /** Log path of its function, `<logGroupRoot>/<logName>-issuer`; default the resource name. */
  logName?: string;
  /** The plane's names: the probe's thing, secret and topics, the root of its log group. */
  names: Pick<
    IotPlaneNames,
    "probeThing" | "probeSecret" | "probeTopic" | "probeRulesTopic" | "logGroupRoot"
  >;
  /** The plane's rule role and dead-letter queue: the probe rule's error action. */
  errors: { ruleRoleArn: pulumi.Input<string>; deadLetterQueueUrl: pulumi.Input<string> };
  /** The probe rule's name; it must start with the prefix the rule role trusts. */
  ruleName: string;
}

/**
 * The identity the health check uses for its MQTT round trip in this region: a thing, a policy that
 * lets it connect as that thing and use its own health topic, nothing else, and a certificate with
 * its private key in a KMS-encrypted secret.
 *
 * The key pair is made inside AWS, never by the program: a function of this component calls
 * CreateKeysAndCertificate and writes the key straight to the secret, and Pulumi only invokes it
 * (`aws.lambda.Invocation`, lifecycle CRUD), keeping its result (the certificate ARN) in state.
 * `aws.iot.Certificate` without a CSR would return the key as an output, so into the stack's
 * state, readable by anyone who can export the stack and only as safe as its secrets provider; a
 * CSR would need the key generated and held by the program (the tls provider keeps it in state
 * too). Rotation: `pulumi up --replace` the invocation; the old certificate is retired.
 */
export class HealthProbe extends pulumi.ComponentResource {
  public readonly thing: aws.iot.Thing;
  public readonly policy: aws.iot.Policy;
  public readonly secret: aws.secretsmanager.Secret;
  /** Issues and retires the probe's certificates. */
  public readonly issuer: NodeFunction;
  /** The current certificate: its result is `{certificateArn, retired}`, no key material. */
  public readonly certificate: aws.lambda.Invocation;
  /** Republishes the probe's message, so a region whose rules engine is down fails its check. */
  public readonly rule: aws.iot.TopicRule;

  constructor(name: string, args: HealthProbeArgs, opts: pulumi.ComponentResourceOptions) {
    super("iot-dr:iot:HealthProbe", name, {}, componentOptions("iot-dr:iot:HealthProbe", opts));
    const parent = { parent: this };
    const iotArn = (resource: string) =>
      formatArn({
        partition: args.partition,
        service: "iot",
        region: args.region,
        account: args.account,
        resource,
      });
    const names = args.names;

    this.thing = new aws.iot.Thing(`${name}-thing`, { name: names.probeThing }, parent);
    this.policy = new aws.iot.Policy(
      `${name}-policy`,
      {
        name: `${names.probeThing}-${args.region}`,
        policy: policyDocument([
          {
            sid: "ConnectAsProbe",
            actions: ["iot:Connect"],
            resources: [iotArn(`client/${names.probeThing}`)],
          },
          {
            sid: "OwnHealthTopic",
            actions: ["iot:Publish", "iot:Receive"],
            resources: [iotArn(`topic/${names.probeTopic}`)],
          },
          {
            sid: "SubscribeOwnHealthTopic",
            actions: ["iot:Subscribe"],
            resources: [iotArn(`topicfilter/${names.probeTopic}`)],
          },
          {
            // What the probe rule republishes: received only, the probe never publishes there.
            sid: "ReceiveRulesCopy",
            actions: ["iot:Receive"],
            resources: [iotArn(`topic/${names.probeRulesTopic}`)],
          },
          {
            sid: "SubscribeRulesCopy",
            actions: ["iot:Subscribe"],
            resources: [iotArn(`topicfilter/${names.probeRulesTopic}`)],
          },
        ]),
      },
      parent,
    );
    this.rule = this.probeRule(name, args, iotArn);
    this.secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        name: names.probeSecret,
        description:
          "iot-dr health probe: certificate and private key of the probe thing, written by its issuer function",
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: 7,
      },
      retained(parent),
    );

    this.issuer = new NodeFunction(
      `${name}-issuer`,
      {
        code: "probeCertificate",
        logGroupName: `${names.logGroupRoot}/${args.logName ?? name}-issuer`,
        description: "Issues the health probe's certificate into its secret; retires old ones",
        statements: [
          {
            // CreateKeysAndCertificate has no resource type: "*" is the only resource it takes.
            sid: "IssueCertificate",
            actions: ["iot:CreateKeysAndCertificate"],
            resources: ["*"],
          },
          {
            sid: "FindProbeCertificates",
            actions: ["iot:ListThingPrincipals"],
            resources: [this.thing.arn],
          },
          {
            // A certificate goes on and off the probe thing only: iot:thingArn is the one
            // condition key IoT gives these calls (Service Authorization Reference, AWS IoT).
            sid: "AttachCertificatesToProbeThingOnly",
            actions: ["iot:AttachThingPrincipal", "iot:DetachThingPrincipal"],
            resources: [iotArn("cert/*")],
            conditions: { ArnEquals: { "iot:thingArn": this.thing.arn } },
          },
          {
            // Certificate ARNs carry only an id and these calls take no condition key, so IAM
            // cannot narrow them further; the function names only the certificate it issued and
            // those ListThingPrincipals returns for the probe thing, the one thing it may list.
            sid: "AttachAndRetireProbeCertificates",
            actions: [
              "iot:AttachPolicy",
              "iot:DetachPolicy",
              "iot:UpdateCertificate",
              "iot:DeleteCertificate",
            ],
            resources: [iotArn("cert/*")],
          },
          {
            sid: "WriteProbeSecret",
            actions: ["secretsmanager:PutSecretValue"],
            resources: [this.secret.arn],
          },
          {
            // Secrets Manager encrypts a new value with the caller's rights on the key:
            // GenerateDataKey and Decrypt (Secrets Manager user guide, "Permissions for the KMS
            // key"), through Secrets Manager and for this secret only.
            sid: "EncryptProbeSecret",
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: [args.kmsKeyArn],
            conditions: {
              StringEquals: {
                "kms:ViaService": `secretsmanager.${args.region}.${dnsSuffixOf(args.region)}`,
                "kms:EncryptionContext:SecretARN": this.secret.arn,
              },
            },
          },
        ],
        timeoutSeconds: 60,
      },
      parent,
    );

    this.certificate = new aws.lambda.Invocation(
      `${name}-certificate`,
      {
        functionName: this.issuer.function.name,
        input: pulumi.jsonStringify({
          thingName: this.thing.name,
          policyName: this.policy.name,
          secretId: this.secret.arn,
          clientId: names.probeThing,
          topic: names.probeTopic,
        }),
        // Invoked on delete too, so a destroyed stack leaves no certificate attached to the
        // thing or the policy (IoT refuses to delete either while a certificate is attached).
        lifecycleScope: "CRUD",
      },
      // A replacement's delete retires every certificate of the thing: it must run before the
      // new invocation issues one, not after.
      { parent: this, deleteBeforeReplace: true },
    );
    this.registerOutputs({ secretArn: this.secret.arn, thingName: this.thing.name });
  }
  /**
   * The probe's topic rule: it republishes what the probe publishes to a topic only the rule
   * writes, with a role that may publish there and nowhere else. The health check waits for both
   * copies, so a broker that still round-trips while its rules engine is down fails the check
   * (the republish action: https://docs.aws.amazon.com/iot/latest/developerguide/republish-rule-action.html).
   */
  private probeRule(
    name: string,
    args: HealthProbeArgs,
    iotArn: (resource: string) => string,
  ): aws.iot.TopicRule {
    const ruleArn = iotArn(`rule/${args.ruleName}`);
    const role = new aws.iam.Role(
      `${name}-rule-role`,
      {
        description: "The health probe's topic rule: republish the probe message",
        assumeRolePolicy: policyDocument([
          {
            actions: ["sts:AssumeRole"],
            principals: { Service: ["iot.amazonaws.com"] },
            conditions: {
              StringEquals: { "aws:SourceAccount": args.account },
              ArnEquals: { "aws:SourceArn": ruleArn },
            },
          },
        ]),
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-rule-policy`,
      {
        role: role.name,
        policy: policyDocument([
          {
            sid: "RepublishProbeMessage",
            actions: ["iot:Publish"],
            resources: [iotArn(`topic/${args.names.probeRulesTopic}`)],
          },
        ]),
      },
      { parent: this },
    );
    return new aws.iot.TopicRule(
      `${name}-rule`,
      {
        name: args.ruleName,
        description:
          "iot-dr health: republish the probe message, so the check sees the rules engine",
        enabled: true,
        sql: `SELECT * FROM '${args.names.probeTopic}'`,
        sqlVersion: "2016-03-23",
        republishes: [{ topic: args.names.probeRulesTopic, qos: 1, roleArn: role.arn }],
        errorAction: {
          sqs: {
            queueUrl: args.errors.deadLetterQueueUrl,
            roleArn: args.errors.ruleRoleArn,
            useBase64: false,
          },
        },
      },
      { parent: this, dependsOn: [policy] },
    );
  }
}
