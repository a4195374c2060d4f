import { Declared } from "./policyViews";
import { RuleExample, ruleExamples } from "../policies/examples";
import { CENTRAL, WEST } from "../policies/examples/kit";

/** `aws:dynamodb/table:Table` as the program writes it: `aws.dynamodb.Table`. */
const sdkName = (type: string) =>
  type === "pulumi:providers:aws"
    ? "aws.Provider"
    : type.replace(/^aws:([^/]+)\/[^:]+:(.+)$/, "aws.$1.$2");

const REF = "§";

/** One resource in one line: its class, name and inputs; a reference as `<name>.<output>`. */
function shown(d: Declared): string {
  const props = JSON.stringify(d.props ?? {}, (_, v: unknown) => {
    if (v && typeof v === "object" && "ref" in v && "output" in v) {
      return `${REF}${String((v as { ref: string }).ref)}.${String((v as { output: string }).output)}${REF}`;
    }
    // Policy documents are JSON text in the program; shown as the objects they encode.
    return typeof v === "string" && v.startsWith('{"') ? (JSON.parse(v) as unknown) : v;
  }).replace(new RegExp(`"${REF}([^${REF}]*)${REF}"`, "g"), "$1");
  const where = d.provider ? ` in ${d.provider}` : "";
  return `\`${sdkName(d.type)} "${d.name}"${where} ${props}\``;
}

/** The resources of an example, without the two providers every example shares. */
const resources = (list: Declared[]) =>
  list
    .filter((d) => d !== WEST && d !== CENTRAL)
    .map(shown)
    .join(", ");

const configOf = (c?: Record<string, unknown>) => (c ? ` (config \`${JSON.stringify(c)}\`)` : "");

const line = (e: RuleExample) =>
  `- \`${e.rule}\`${configOf(e.config)}. Fails on \`${e.rejects}\`: ${resources(e.failing)}. ` +
  `Passes${configOf(e.passingConfig)}: ${resources(e.passing)}.`;

/** The per-rule examples section, from tests/policies/examples (run by ruleExamples.test.ts). */
export function ruleExamplesSection(): string {
  return [
    "Providers `west` (eu-west-1) and `central` (eu-central-1) are pinned to account 111111111111; " +
      "`<name>.<output>` is another resource's output, unknown at preview; policy documents, JSON text in " +
      "the program, are shown as the objects they encode.",
    "",
    ...ruleExamples.map(line),
  ].join("\n");
}
