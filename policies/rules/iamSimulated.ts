import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { documentsOf } from "../simulation/documents";
import { escalationsOf } from "../simulation/escalation";
import { trespassesOf } from "../simulation/device";
import { outsiderAccess } from "../simulation/outsider";
import { Undecided, isUnknown } from "./preview";
import { asString, commonSchema, resourceSubject } from "./support";

/** The account a document is judged in when the provider does not say. */
const UNNAMED_ACCOUNT = "123456789012";

const kindOf = (type: string) => type.split(":").pop() ?? type;

/** The resource's documents of the given kinds; unknown ones (preview) wait for `up`. */
function documents(args: ResourceValidationArgs, kinds: string[], undecided: Undecided) {
  const subject = resourceSubject(args);
  const found = documentsOf(args.type, subject.props).filter((d) => kinds.includes(d.kind));
  for (const d of found.filter((d) => isUnknown(d.document))) {
    undecided.add(`${args.name} ${d.where}`);
  }
  return {
    subject,
    account: subject.account ?? UNNAMED_ACCOUNT,
    found: found.filter((d) => !isUnknown(d.document)),
  };
}

/**
 * Resource and trust policies are asked, through AWS's evaluation, whether a principal of an
 * account outside the program, a service acting for one, or any identity of a web identity
 * provider can act. AWS's condition semantics decide: a ForAllValues condition on a key the
 * request lacks holds, a wildcard value the outsider can match admits it, an OIDC trust without a
 * `sub` condition admits every subject of the provider.
 */
export const iamPolicyOutsiderAccess: ResourceValidationPolicy = {
  name: "iam-policy-outsider-access",
  description:
    "Resource and trust policies must not let anyone outside the program act: the IAM simulator is asked whether an AWS principal of an unknown account, a service acting for one (confused deputy), or any identity of a web identity provider (an OIDC trust without a restricting `sub` condition) is allowed, with AWS's condition semantics (vacuous ForAllValues and IfExists when the key is absent, wildcard values the outsider can match).",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const undecided = new Undecided();
    const { subject, account, found } = documents(args, ["resource", "trust"], undecided);
    for (const d of found) {
      const trust = d.kind === "trust";
      const name = asString(subject.props.name) ?? args.name;
      const arn =
        asString(subject.props.arn) ??
        (trust
          ? `arn:aws:iam::${account}:role/${name}`
          : `arn:aws:${args.type.split(/[:/]/)[1]}:${subject.region ?? "eu-west-1"}:${account}:${name}`);
      for (const f of outsiderAccess(d.document, arn, account, trust)) {
        report(
          `${kindOf(args.type)} ${args.name}: its ${d.where} (${f.statement}) lets ${f.who} ${f.action}, as AWS evaluates it: name the principal and condition on a value the outsider cannot hold (sts:ExternalId, aws:PrincipalOrgID, aws:SourceArn of your own resource, aws:SourceVpce, a token's exact sub).`,
        );
      }
    }
    undecided.settle();
  },
};

/**
 * Identity policies are asked whether their holder can become an administrator: pass or assume
 * any role, write or attach policies, create keys for any user. `iam:*` on `*`, an account-wide
 * ARN wildcard and a NotAction all answer yes, as the managed administrator policies do.
 */
export const iamPolicyEscalation: ResourceValidationPolicy = {
  name: "iam-policy-escalation",
  description:
    "Identity policies (IAM policies, inline role/user/group policies, permission set inline policies) must not let their holder escalate, as the IAM simulator evaluates them: iam:PassRole, sts:AssumeRole, iam:AttachRolePolicy/PutRolePolicy/UpdateAssumeRolePolicy on any role, iam:CreatePolicy or CreatePolicyVersion, iam:AttachUserPolicy or CreateAccessKey on any user. Name the roles, users and policies instead.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const undecided = new Undecided();
    const { account, found } = documents(args, ["identity"], undecided);
    for (const d of found) {
      const escalations = escalationsOf(d.document, account);
      if (escalations.length === 0) continue;
      report(
        `${kindOf(args.type)} ${args.name}: its ${d.where} lets its holder ${escalations.join("; ")}, which is a path to administrator: name the ARNs it needs.`,
      );
    }
    undecided.settle();
  },
};

/** A device's policy must keep it to its own identity and its own reserved topics. */
export const iotPolicyDeviceScoped: ResourceValidationPolicy = {
  name: "iot-policy-device-scoped",
  description:
    "IoT policies must not let a device act as another: evaluated by the IAM simulator with IoT's policy variables for one device, it must not connect with another thing's client id, publish to or subscribe on another thing's shadow or jobs topics, or update another thing's shadow.",
  enforcementLevel: "mandatory",
  configSchema: commonSchema(),
  validateResource: (args, report) => {
    const undecided = new Undecided();
    const { subject, account, found } = documents(args, ["iot"], undecided);
    for (const d of found) {
      const trespasses = trespassesOf(d.document, subject.region ?? "eu-west-1", account);
      if (trespasses.length === 0) continue;
      report(
        `IoT policy ${args.name} lets a device ${trespasses.join("; ")}: scope its resources with \${iot:Connection.Thing.ThingName} (client, thing and $aws/things/<name>/ topics).`,
      );
    }
    undecided.settle();
  },
};
