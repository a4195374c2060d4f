import { NAMES } from "../core/names";

/** The roles the bootstrap creates. The main program's stack files name the deploy role. */
export const ROLES = {
  /** In each account: what `pulumi up` of the main program assumes (with the external id). */
  deploy: "iot-dr-deploy",
  /** In each account: what a pull request's `pulumi preview` assumes instead (read-only). */
  preview: "iot-dr-preview",
  /** In the pipeline account: the protected environment's deploy job (OIDC). */
  pipelineDeploy: "iot-dr-pipeline-deploy",
  /** In the pipeline account: the pull requests' preview job (OIDC). */
  pipelinePreview: "iot-dr-pipeline-preview",
} as const;

/** The permission boundary policy, the same name the main program gives its roles. */
export const BOUNDARY_POLICY = NAMES.permissionsBoundary;

/** GitHub's OIDC issuer and the audience configure-aws-credentials asks for. */
export const GITHUB_OIDC = {
  host: "token.actions.githubusercontent.com",
  audience: "sts.amazonaws.com",
} as const;
