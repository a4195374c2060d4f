import { createHash } from "crypto";
import { formatArn } from "../../core/arn";
import { Placement } from "./placement";

/** What the mocks know when they make up a resource's state. */
export interface StateContext {
  type: string;
  /** Pulumi's logical name. */
  name: string;
  inputs: Record<string, unknown>;
  where: Placement;
}

/** Deterministic hex from the resource's identity, so two runs print the same ids. */
export function stableHex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

export function stableUuid(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The physical name the provider would pick: the `name` input, else the logical name plus a suffix. */
export function physicalName(ctx: StateContext, inputKey = "name"): string {
  const given = ctx.inputs[inputKey];
  if (typeof given === "string" && given) return given;
  return `${ctx.name}-${stableHex(`${ctx.type}/${ctx.name}/${ctx.where.account}`, 7)}`;
}

export type StateMaker = (
  ctx: StateContext,
  seed: string,
) => { id: string; state: Record<string, unknown> };

export const arn = (
  ctx: StateContext,
  service: string,
  resource: string,
  regionless = false,
  accountless = false,
) =>
  formatArn({
    partition: ctx.where.partition,
    service,
    region: regionless ? "" : ctx.where.region,
    account: accountless ? "" : ctx.where.account,
    resource,
  });

/** A resource named by its physical name with an ARN of `service` and `prefix/name`. */
export const named =
  (
    service: string,
    prefix: string,
    opts: { regionless?: boolean; nameKey?: string } = {},
  ): StateMaker =>
  (ctx) => {
    const name = physicalName(ctx, opts.nameKey);
    const resource = prefix ? `${prefix}/${name}` : name;
    return { id: name, state: { name, arn: arn(ctx, service, resource, opts.regionless) } };
  };
