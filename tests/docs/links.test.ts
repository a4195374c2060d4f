import { strict as assert } from "assert";
import { existsSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { repositoryFiles } from "../support/repositoryFiles";

const ROOT = path.resolve(__dirname, "..", "..");

/** The repository's markdown files (tracked or new, never ignored ones such as node_modules). */
const markdownFiles = repositoryFiles("*.md");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats -1, -2. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const text = markdown.replace(/^```[\s\S]*?^```/gm, "");
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .replace(/`/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Relative links of a markdown file, code blocks and code spans left out. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map(([, target]) => target)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe("links in the repository's documentation", () => {
  it("finds the documents (README, docs/, the packages' READMEs)", () => {
    assert.ok(markdownFiles.includes("README.md"));
    assert.ok(markdownFiles.some((f) => f.startsWith("docs/")));
    assert.ok(markdownFiles.includes("packages/device-client/README.md"));
  });

  it("resolves every relative link to a file in the repository, and every anchor to a heading", () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      for (const link of linksOf(source)) {
        const [target, anchor] = link.split("#", 2);
        const resolved = target
          ? path.resolve(ROOT, path.dirname(file), decodeURI(target))
          : path.join(ROOT, file);
        if (!resolved.startsWith(ROOT + path.sep) || !existsSync(resolved)) {
          broken.push(`${file}: ${link} (no such file in the repository)`);
          continue;
        }
        if (anchor && resolved.endsWith(".md") && statSync(resolved).isFile()) {
          if (!anchorsOf(readFileSync(resolved, "utf8")).has(anchor.toLowerCase())) {
            broken.push(`${file}: ${link} (no such heading)`);
          }
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it("catches a broken link and a broken anchor (the check is not vacuous)", () => {
    assert.deepEqual(linksOf("see [a](docs/x.md#y) and `[b](c.md)` and [w](https://e.com)"), [
      "docs/x.md#y",
    ]);
    assert.ok(
      anchorsOf("# Fail-over and fail-back runbook\n").has("fail-over-and-fail-back-runbook"),
    );
    assert.ok(
      anchorsOf("## The offline plan (`npm run plan`)\n").has("the-offline-plan-npm-run-plan"),
    );
  });
});
