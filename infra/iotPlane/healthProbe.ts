import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatArn } from "../arn";
import { policyDocument } from "../iam/policyDocument";
import { NAMES } from "../names";

/** Arguments of {@link HealthProbe}. */
export interface HealthProbeArgs {
  account: string;
  partition: string;
  region: string;
  /** The plane's key: the secret is encrypted with it. */
  kmsKeyArn: pulumi.Input<string>;
}

/**
 * The identity the health check uses for its MQTT round trip in this region: a thing, a certificate
 * and a policy that lets it connect as that thing and use its own health topic, nothing else.
 *
 * The key pair comes from CreateKeysAndCertificate (`aws.iot.Certificate` without a CSR). The
 * private key is then in Pulumi state, encrypted by the stack's secrets provider; the CSR path
 * would not avoid that, because the key behind the CSR would have to be generated and held by the
 * program (the tls provider also keeps it in state). It is acceptable because this key unlocks
 * only the probe's own client id and topic, the prober reads it from Secrets Manager at run time
 * (never from a bundle, config or output), and replacing the certificate rotates it.
 */
export class HealthProbe extends pulumi.ComponentResource {
  public readonly thing: aws.iot.Thing;
  public readonly certificate: aws.iot.Certificate;
  public readonly secret: aws.secretsmanager.Secret;

  constructor(name: string, args: HealthProbeArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:iot:HealthProbe", name, {}, opts);
    const parent = { parent: this };
    const iotArn = (resource: string) =>
      formatArn({
        partition: args.partition,
        service: "iot",
        region: args.region,
        account: args.account,
        resource,
      });

    this.thing = new aws.iot.Thing(`${name}-thing`, { name: NAMES.probeThing }, parent);
    this.certificate = new aws.iot.Certificate(`${name}-cert`, { active: true }, parent);
    const policy = new aws.iot.Policy(
      `${name}-policy`,
      {
        name: `${NAMES.probeThing}-${args.region}`,
        policy: policyDocument([
          {
            sid: "ConnectAsProbe",
            actions: ["iot:Connect"],
            resources: [iotArn(`client/${NAMES.probeThing}`)],
          },
          {
            sid: "OwnHealthTopic",
            actions: ["iot:Publish", "iot:Receive"],
            resources: [iotArn(`topic/${NAMES.probeTopic}`)],
          },
          {
            sid: "SubscribeOwnHealthTopic",
            actions: ["iot:Subscribe"],
            resources: [iotArn(`topicfilter/${NAMES.probeTopic}`)],
          },
        ]),
      },
      parent,
    );
    new aws.iot.PolicyAttachment(
      `${name}-policy-attachment`,
      { policy: policy.name, target: this.certificate.arn },
      parent,
    );
    new aws.iot.ThingPrincipalAttachment(
      `${name}-principal-attachment`,
      { thing: this.thing.name, principal: this.certificate.arn },
      parent,
    );

    this.secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        name: NAMES.probeSecret,
        description: "iot-dr health probe: certificate and private key of the probe thing",
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: 7,
      },
      parent,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-secret-value`,
      {
        secretId: this.secret.id,
        secretString: pulumi.secret(
          pulumi.jsonStringify({
            clientId: NAMES.probeThing,
            topic: NAMES.probeTopic,
            certificatePem: this.certificate.certificatePem,
            privateKey: this.certificate.privateKey,
          }),
        ),
      },
      parent,
    );
    this.registerOutputs({ secretArn: this.secret.arn, thingName: this.thing.name });
  }
}
