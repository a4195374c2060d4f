import { StateMaker, arn, named, physicalName, stableHex, stableUuid } from "./naming";

/**
 * Computed state of the IoT plane's resources, shaped like what AWS hands back. Certificate
 * material is a labelled placeholder, never a real key: the plan must not hold one either.
 */
export const IOT_PLANE_MAKERS: Record<string, StateMaker> = {
  "aws:iot/certificate:Certificate": (ctx, seed) => {
    // IoT certificate ids are the 64-hex SHA-256 of the certificate.
    const id = `${stableHex(seed, 32)}${stableHex(`${seed}/2`, 32)}`;
    return {
      id,
      state: {
        arn: arn(ctx, "iot", `cert/${id}`),
        certificatePem: `-----BEGIN CERTIFICATE-----\nOFFLINE-PLAN-PLACEHOLDER-${id.slice(0, 16)}\n-----END CERTIFICATE-----\n`,
        privateKey: "OFFLINE-PLAN-PLACEHOLDER: no private key exists in a plan",
        publicKey: "OFFLINE-PLAN-PLACEHOLDER: no public key exists in a plan",
      },
    };
  },
  // Step Functions ARNs separate type and name with a colon, not a slash.
  "aws:sfn/stateMachine:StateMachine": (ctx) => {
    const name = physicalName(ctx);
    const machineArn = arn(ctx, "states", `stateMachine:${name}`);
    return { id: machineArn, state: { name, arn: machineArn, status: "ACTIVE" } };
  },
  // Schedules live in a group ("default" unless named): schedule/<group>/<name>.
  "aws:scheduler/schedule:Schedule": (ctx) => {
    const name = physicalName(ctx);
    const group = typeof ctx.inputs.groupName === "string" ? ctx.inputs.groupName : "default";
    return {
      id: `${group}/${name}`,
      state: { name, groupName: group, arn: arn(ctx, "scheduler", `schedule/${group}/${name}`) },
    };
  },
  "aws:cloudtrail/trail:Trail": (ctx) => {
    const name = physicalName(ctx);
    const trailArn = arn(ctx, "cloudtrail", `trail/${name}`);
    return { id: trailArn, state: { name, arn: trailArn, homeRegion: ctx.where.region } };
  },
  // The alias name already carries its "alias/" prefix.
  "aws:kms/alias:Alias": (ctx) => {
    const name = physicalName(ctx);
    return { id: name, state: { name, arn: arn(ctx, "kms", name) } };
  },
  "aws:secretsmanager/secretVersion:SecretVersion": (ctx, seed) => {
    const versionId = stableUuid(seed);
    return {
      id: `${String(ctx.inputs.secretId)}|${versionId}`,
      state: { arn: String(ctx.inputs.secretId), versionId, versionStages: ["AWSCURRENT"] },
    };
  },
  "aws:sqs/queuePolicy:QueuePolicy": (ctx) => ({
    id: String(ctx.inputs.queueUrl),
    state: {},
  }),
  "aws:iot/eventConfigurations:EventConfigurations": (ctx) => ({ id: ctx.where.region, state: {} }),
  "aws:acm/certificateValidation:CertificateValidation": (ctx) => ({
    id: String(ctx.inputs.certificateArn),
    state: {},
  }),
  "aws:lambda/permission:Permission": (_ctx, seed) => ({
    id: `terraform-${stableHex(seed, 26)}`,
    state: { statementId: `terraform-${stableHex(seed, 26)}` },
  }),
  "aws:iot/thing:Thing": (ctx, seed) => {
    const state = named("iot", "thing")(ctx, seed);
    return {
      ...state,
      state: { ...state.state, defaultClientId: state.id, version: 1 },
    };
  },
};
