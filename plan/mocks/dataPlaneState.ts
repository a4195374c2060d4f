import { StateMaker, arn, physicalName, stableHex } from "./naming";

/** Paths of the API resources made so far, by id, so a child resource knows its full path. */
const resourcePaths = new Map<string, string>();

/** Computed state of the data plane's resources that other resources or outputs read. */
export const DATA_PLANE_MAKERS: Record<string, StateMaker> = {
  "aws:cloudwatch/eventArchive:EventArchive": (ctx) => {
    const name = physicalName(ctx);
    return { id: name, state: { name, arn: arn(ctx, "events", `archive/${name}`) } };
  },
  "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": (ctx) => {
    const details = ctx.inputs.details as { name?: string } | undefined;
    return {
      id: `${ctx.where.account}:${details?.name ?? ctx.name}`,
      state: { established: "", proposed: "" },
    };
  },
  "aws:apigateway/resource:Resource": (ctx, seed) => {
    const id = stableHex(seed, 6);
    // AWS returns the full path; a parent not seen yet is the API's root resource.
    const path = `${resourcePaths.get(String(ctx.inputs.parentId)) ?? ""}/${String(ctx.inputs.pathPart)}`;
    resourcePaths.set(id, path);
    return { id, state: { path, resourceId: id } };
  },
  "aws:apigateway/deployment:Deployment": (_ctx, seed) => ({ id: stableHex(seed, 6), state: {} }),
  "aws:apigateway/requestValidator:RequestValidator": (_ctx, seed) => {
    const id = stableHex(seed, 6);
    return { id, state: { validatorId: id } };
  },
  "aws:ssm/parameter:Parameter": (ctx) => {
    const name = physicalName(ctx);
    return { id: name, state: { name, arn: arn(ctx, "ssm", `parameter${name}`), version: 1 } };
  },
  "aws:acm/certificateValidation:CertificateValidation": (ctx) => ({
    id: String(ctx.inputs.certificateArn),
    state: {},
  }),
};
