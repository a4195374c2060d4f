import * as aws from "@pulumi/aws";
import * as fs from "fs";
import * as path from "path";
import { ACCOUNT_KEYS, AccountKey } from "./accountKeys";
import { AccountRoles } from "./accountRoles";
import { loadBootstrapConfig } from "./config";
import { ROLES } from "./names";
import { Pipeline } from "./pipeline";
import { partitionOf } from "../core/arn";
import type { Planned } from "./derivation";

// Deployed once per organisation by an administrator, before the main program (docs/deploy.md, "Deploying
// for real"): the roles the pipeline and every stack of the main program use.
const config = loadBootstrapConfig();
// What the main program's plan creates per account (npm run -s bootstrap:derive writes it).
const planned = JSON.parse(
  fs.readFileSync(path.join(__dirname, "planned.json"), "utf8"),
) as Planned;
const partition = partitionOf(config.region);
const accountIds = ACCOUNT_KEYS.map((k) => config.accounts[k].id);

/** One provider per account, through the administrator's role there, and no other account. */
const providers = Object.fromEntries(
  ACCOUNT_KEYS.map((key) => [
    key,
    new aws.Provider(`bootstrap-${key}`, {
      region: config.region as aws.Region,
      allowedAccountIds: [config.accounts[key].id],
      // With the account's external id, as every assumed role of the project (the pack's
      // aws-provider-assume-role); the administrator's role may require it in its trust.
      assumeRoles: [
        {
          roleArn: config.accounts[key].adminRoleArn,
          sessionName: "iot-dr-bootstrap",
          externalId: config.accounts[key].externalId,
        },
      ],
    }),
  ]),
) as Record<AccountKey, aws.Provider>;

const pipelineAccount = config.accounts[config.pipelineAccount].id;
const pipelineRole = (name: string) => `arn:${partition}:iam::${pipelineAccount}:role/${name}`;
// Named, not referenced: each account's roles trust the pipeline roles by ARN, so the accounts
// do not wait on the pipeline account's resources.
const pipeline = new Pipeline(
  "pipeline",
  {
    scope: { account: pipelineAccount, region: config.region },
    repository: config.repository,
    deployEnvironment: config.deployEnvironment,
    accounts: accountIds,
  },
  { provider: providers[config.pipelineAccount] },
);

const roles = ACCOUNT_KEYS.map(
  (key) =>
    new AccountRoles(
      key,
      {
        scope: { account: config.accounts[key].id, region: config.region },
        ...planned.accounts[key],
        roleActions: planned.roleActions,
        pipelineDeployRoleArn: pipelineRole(ROLES.pipelineDeploy),
        pipelinePreviewRoleArn: pipelineRole(ROLES.pipelinePreview),
        externalId: config.accounts[key].externalId,
      },
      { provider: providers[key] },
    ),
);

// The GitHub variables the workflows read (AWS_DEPLOY_ROLE_ARN, AWS_PREVIEW_ROLE_ARN,
// AWS_PREVIEW_ROLE_NAME) and each account's deploy role for the main program's stack files.
export const pipelineDeployRoleArn = pipeline.deployRole.arn;
export const pipelinePreviewRoleArn = pipeline.previewRole.arn;
export const previewRoleName = ROLES.preview;
export const deployRoleArns = Object.fromEntries(
  ACCOUNT_KEYS.map((key, i) => [key, roles[i].deployRole.arn]),
);
