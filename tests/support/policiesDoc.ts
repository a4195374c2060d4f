/**
 * The generated parts of docs/policies.md: the classification, from the pack's own table over the
 * installed types, and the evasion and DR-correct examples, from the sample programs the tests
 * run. `node -r ./typescript-loader.js tests/support/policiesDoc.ts --write` rewrites them.
 */
import * as fs from "fs";
import * as path from "path";
import { formatAsRepository } from "../../plan/formatAsRepository";
import { INSTALLED_AWS, TypeClass, classOf } from "../../policies/classification";
import { correctCases } from "../programs/dr-correct/cases";
import { evasions } from "../programs/evasions/cases";
import { ruleExamplesSection } from "./ruleExamplesDoc";

export const POLICIES_DOC = path.join(__dirname, "..", "..", "docs", "policies.md");

const detail = (c: TypeClass): string => {
  switch (c.kind) {
    case "replicated":
      return c.rule ? `proof: ${c.proof}; rule \`${c.rule}\`` : `refused: no rule sees ${c.proof}`;
    case "peered":
      return `counterpart: ${c.match}`;
    case "opaque":
      return c.note;
    case "security":
      return c.judge;
    default:
      return c.note ?? "";
  }
};

/** The classification section: counts per class, and every type that is not configuration. */
export function classificationSection(): string {
  const classes = INSTALLED_AWS.types.map((type) => ({ type, c: classOf(type) as TypeClass }));
  const count = (kind: string) => classes.filter((x) => x.c.kind === kind).length;
  const lines = [
    `Classified against ${INSTALLED_AWS.package} ${INSTALLED_AWS.version}: ${classes.length} resource types, ` +
      ["configuration", "replicated", "peered", "opaque", "security"]
        .map((k) => `${count(k)} ${k}`)
        .join(", ") +
      ". Every type not listed below is configuration.",
    "",
    "| type | class | how it is judged |",
    "| --- | --- | --- |",
    ...classes
      .filter((x) => x.c.kind !== "configuration")
      .map((x) => `| \`${x.type}\` | ${x.c.kind} | ${detail(x.c).replace(/\|/g, "\\|")} |`),
  ];
  return lines.join("\n");
}

/** The examples section: each evasion (rejected) and DR-correct program (accepted). */
export function examplesSection(): string {
  return [
    "| failing example (tests/programs/evasions) | rejected by | what it tries |",
    "| --- | --- | --- |",
    ...evasions.map((e) => `| \`${e.resource}\` | \`${e.rule}\` | ${e.tries} |`),
    "",
    "Passing examples, each accepted whole by every rule (tests/programs/dr-correct): " +
      Object.keys(correctCases)
        .map((k) => `\`${k}\``)
        .join(", ") +
      ".",
  ].join("\n");
}

const section = (name: string, body: string) =>
  `<!-- generated:${name} (tests/support/policiesDoc.ts) -->\n${body}\n<!-- end:${name} -->`;

/** docs/policies.md with its generated sections as they must be, formatted as prettier would. */
export async function renderedDoc(
  current = fs.readFileSync(POLICIES_DOC, "utf8"),
): Promise<string> {
  let text = current;
  for (const [name, body] of [
    ["classification", classificationSection()],
    ["examples", examplesSection()],
    ["rule-examples", ruleExamplesSection()],
  ] as const) {
    const pattern = new RegExp(`<!-- generated:${name} [^]*?<!-- end:${name} -->`);
    if (!pattern.test(text)) throw new Error(`${POLICIES_DOC} has no generated:${name} section`);
    text = text.replace(pattern, () => section(name, body));
  }
  return formatAsRepository(POLICIES_DOC, text);
}

if (require.main === module && process.argv.includes("--write")) {
  void renderedDoc().then((text) => fs.writeFileSync(POLICIES_DOC, text));
}
