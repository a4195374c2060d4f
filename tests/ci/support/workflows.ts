import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..", "..");
export const WORKFLOWS = path.join(ROOT, ".github", "workflows");

/** The workflow files the tests hold to the pipeline's rules. */
export const PULL_REQUEST_WORKFLOW = "pulumi.yml";
export const DEPLOY_WORKFLOW = "deploy.yml";

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "continue-on-error"?: boolean | string;
}

export interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, unknown>;
  steps: Step[];
}

export interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress": boolean } | string;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

export const workflowText = (file: string): string =>
  fs.readFileSync(path.join(WORKFLOWS, file), "utf8");

export const workflow = (file: string): Workflow => parse(workflowText(file)) as Workflow;

/** Every file under .github/workflows, so a new workflow cannot slip past the checks. */
export const workflowFiles = (): string[] =>
  fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

/** The job `id` of `file`, failing with the jobs there are when it is missing. */
export function job(file: string, id: string): Job {
  const jobs = workflow(file).jobs;
  const found = jobs[id];
  if (!found) throw new Error(`${file}: no job "${id}" (jobs: ${Object.keys(jobs).join(", ")})`);
  return found;
}

/** The steps of `job` that use `action` (owner/repo), in order. */
export const stepsUsing = (j: Job, action: string): Step[] =>
  j.steps.filter((s) => s.uses?.split("@")[0] === action);
