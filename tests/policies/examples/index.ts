import { classExamples } from "./classes";
import { computeExamples } from "./compute";
import { RuleExample } from "./kit";
import { relationExamples } from "./relations";
import { securityExamples } from "./security";
import { storageExamples } from "./storage";

/** A failing and a passing example per rule of the pack, shown in docs/policies.md. */
export const ruleExamples: RuleExample[] = [
  ...storageExamples,
  ...securityExamples,
  ...computeExamples,
  ...relationExamples,
  ...classExamples,
];
export type { RuleExample } from "./kit";
