import { PlannedResource } from "../../../plan/engine";

/** A policy document input as an object, whatever form it reached the engine in. */
export function policyOf(resource: PlannedResource, key = "policy"): PolicyJson {
  const value = resource.revealedInputs[key];
  return (typeof value === "string" ? JSON.parse(value) : value) as PolicyJson;
}

export interface PolicyJson {
  Statement: {
    Sid?: string;
    Effect: string;
    Principal?: Record<string, string[]>;
    Action: string[];
    Resource?: string[];
    Condition?: Record<string, Record<string, unknown>>;
  }[];
}

/** The one resource of `type` whose logical name is `name`; fails when there is not exactly one. */
export function named(resources: PlannedResource[], name: string): PlannedResource {
  const found = resources.filter((r) => r.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one resource named ${name}, found ${found.length}`);
  }
  return found[0];
}
