import { strict as assert } from "assert";
import * as path from "path";
import * as ts from "typescript";
import { ROOT } from "../support/ownStacks";
import { repositoryFiles } from "../support/repositoryFiles";

const ENTRY = path.join(ROOT, "components", "index.ts");
const OWN = path.join(ROOT, "components") + path.sep;

/**
 * The library's own types that its public surface names but its entry does not export: the type
 * of each public field of an exported class, each member of an exported interface or type, each
 * parameter of an exported function or constructor. A program using the package could not name
 * such a type (to declare a variable of it, or a function that takes one).
 */
function unexportedTypes(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  // The library's own files only: resolving @pulumi/aws would parse its whole declaration tree
  // (tens of seconds), and no type of another package is the entry's to export.
  const own = repositoryFiles("components/*.ts", "core/*.ts").map((f) => path.join(ROOT, f));
  const program = ts.createProgram(own, {
    ...config!.options,
    noEmit: true,
    noResolve: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const entry = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  const exported = new Set(checker.getExportsOfModule(entry).map((s) => resolved(checker, s)));
  const missing = new Set<string>();
  const seen = new Set<ts.Node>();

  /** Every type a type node names, checked against the entry's exports when it is the library's. */
  const visitTypeNode = (node: ts.Node | undefined, where: string): void => {
    if (!node || seen.has(node)) return;
    seen.add(node);
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const symbol = checker.getSymbolAtLocation(name);
      const target = symbol && resolved(checker, symbol);
      const declaration = target?.declarations?.[0];
      const file = declaration?.getSourceFile().fileName;
      if (target && file && path.resolve(file).startsWith(OWN) && !isTypeParameter(declaration)) {
        if (!exported.has(target)) missing.add(`${target.getName()} (${where})`);
      }
    }
    ts.forEachChild(node, (child) => visitTypeNode(child, where));
  };

  for (const symbol of checker.getExportsOfModule(entry)) {
    const target = resolved(checker, symbol);
    // A class exported as a type only cannot be constructed: its constructor is not public.
    const typeOnly = (symbol.declarations ?? []).some(
      (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
    );
    for (const declaration of target.declarations ?? []) {
      const where = target.getName();
      if (ts.isClassDeclaration(declaration)) {
        for (const member of declaration.members) {
          const modifiers = ts.getCombinedModifierFlags(member);
          if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          if (ts.isPropertyDeclaration(member))
            visitTypeNode(member.type, `${where}.${member.name.getText()}`);
          if (ts.isConstructorDeclaration(member) && typeOnly) continue;
          if (ts.isConstructorDeclaration(member) || ts.isMethodDeclaration(member)) {
            for (const p of member.parameters)
              visitTypeNode(p.type, `${where} ${p.name.getText()}`);
            if (ts.isMethodDeclaration(member)) visitTypeNode(member.type, where);
          }
        }
      } else if (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)) {
        ts.forEachChild(declaration, (child) => visitTypeNode(child, where));
      } else if (ts.isFunctionDeclaration(declaration)) {
        for (const p of declaration.parameters)
          visitTypeNode(p.type, `${where} ${p.name.getText()}`);
        visitTypeNode(declaration.type, where);
      } else if (ts.isVariableDeclaration(declaration)) {
        visitTypeNode(declaration.type, where);
      }
    }
  }
  return [...missing].sort();
}

function resolved(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

const isTypeParameter = (node: ts.Node | undefined) =>
  !!node && ts.isTypeParameterDeclaration(node);

describe("the package entry's public types", () => {
  it("exports every type of the library that a public field, argument or output names", function () {
    this.timeout(120_000);
    assert.deepEqual(unexportedTypes(), []);
  });
});
