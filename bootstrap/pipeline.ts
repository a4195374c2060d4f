import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../core/arn";
import { GITHUB_OIDC, ROLES } from "./names";
import { Scope, boundaryArn, documentOf } from "./policies";

/** Arguments of {@link Pipeline}. */
export interface PipelineArgs {
  /** The pipeline account (holds the OIDC provider and the two pipeline roles). */
  scope: Scope;
  /** owner/repository on GitHub. */
  repository: string;
  /** The protected environment whose jobs may deploy. */
  deployEnvironment: string;
  /** The account ids whose deploy and preview roles the pipeline roles may assume. */
  accounts: string[];
}

/**
 * GitHub Actions' way into AWS: the OIDC provider, and two roles whose trust names the repository
 * and what runs (`sub`) and the audience (`aud`), so no other repository, branch or event gets
 * them (https://docs.github.com/actions/reference/openid-connect-reference,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html). Each may
 * only assume the accounts' roles of its kind, which also ask for the external id.
 */
export class Pipeline extends pulumi.ComponentResource {
  public readonly deployRole: aws.iam.Role;
  public readonly previewRole: aws.iam.Role;

  constructor(name: string, args: PipelineArgs, opts: pulumi.ComponentResourceOptions) {
    super("iotdr:bootstrap:Pipeline", name, {}, opts);
    const partition = partitionOf(args.scope.region);
    const provider = new aws.iam.OpenIdConnectProvider(
      `${name}-github`,
      { url: `https://${GITHUB_OIDC.host}`, clientIdLists: [GITHUB_OIDC.audience] },
      { parent: this },
    );
    const role = (kind: "deploy" | "preview", subject: string, assumes: string) => {
      const roleName = kind === "deploy" ? ROLES.pipelineDeploy : ROLES.pipelinePreview;
      const created = new aws.iam.Role(
        `${name}-${kind}`,
        {
          name: roleName,
          description: `iot-dr: the GitHub ${kind} job of ${args.repository}`,
          maxSessionDuration: 3600,
          permissionsBoundary: boundaryArn(args.scope),
          assumeRolePolicy: provider.arn.apply((federated) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "GitHubOidc",
                  Effect: "Allow",
                  Action: "sts:AssumeRoleWithWebIdentity",
                  Principal: { Federated: federated },
                  Condition: {
                    StringEquals: {
                      [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
                      [`${GITHUB_OIDC.host}:sub`]: subject,
                    },
                  },
                },
              ],
            }),
          ),
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-${kind}-policy`,
        {
          role: created.name,
          policy: documentOf([
            {
              Sid: "TheAccountsRoles",
              Effect: "Allow",
              Action: ["sts:AssumeRole"],
              Resource: args.accounts.map((a) => `arn:${partition}:iam::${a}:role/${assumes}`),
            },
          ]),
        },
        { parent: this },
      );
      return created;
    };
    this.deployRole = role(
      "deploy",
      `repo:${args.repository}:environment:${args.deployEnvironment}`,
      ROLES.deploy,
    );
    this.previewRole = role("preview", `repo:${args.repository}:pull_request`, ROLES.preview);
    this.registerOutputs({
      deployRoleArn: this.deployRole.arn,
      previewRoleArn: this.previewRole.arn,
    });
  }
}
