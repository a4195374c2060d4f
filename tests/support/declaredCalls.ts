/**
 * Compares the calls a handler made (recorded by {@link AwsRecorder}) with the calls its access
 * declaration lists: a recorded call that no declared call covers is undeclared.
 */
import { AccessDeclaration, DeclaredCall } from "../../functions/shared/access";
import {
  TemplateScope,
  applicableCalls,
  patternOf,
  regionsOf,
  render,
  renderOne,
} from "./accessTemplates";
import { RecordedCall } from "./awsRecorder";

/** True when `declared` covers `recorded`: same action, maker, principal, region and resource. */
export function covers(
  declared: DeclaredCall,
  recorded: RecordedCall,
  scope: TemplateScope,
  secretValue: (secretName: string) => string,
): boolean {
  if (declared.action !== recorded.action) return false;
  const by = declared.by ?? "sdk";
  if (by === "implied" || by !== recorded.via) return false;
  switch (recorded.principal) {
    case "own":
      if (declared.as || declared.unsigned) return false;
      break;
    case "unsigned":
      if (!declared.unsigned) return false;
      break;
    case "device":
      if (by !== "mqtt") return false;
      break;
    default:
      if (!declared.as || renderOne(declared.as, scope) !== recorded.principal) return false;
  }
  const regions = regionsOf(declared, scope);
  if (!regions.includes(recorded.region)) return false;
  if (typeof declared.resource !== "string") return false;
  const here = { ...scope, region: recorded.region };
  const resource = recorded.resource.startsWith("{")
    ? renderOne(recorded.resource, here)
    : recorded.resource;
  // A call may reach a resource of another declared region (a global endpoint routes PutEvents).
  const arns = regions.flatMap((region) =>
    render(declared.resource as string, { ...scope, region }),
  );
  if (!arns.some((arn) => patternOf(arn).test(resource))) return false;
  for (const [key, value] of Object.entries(declared.context ?? {})) {
    if (key in recorded.context && recorded.context[key] !== renderOne(value, here)) return false;
  }
  if (declared.externalIdSecret) {
    const expected = secretValue(renderOne(declared.externalIdSecret, here));
    if (recorded.context["sts:ExternalId"] !== expected) return false;
  }
  return true;
}

/** The recorded calls no declared call covers, as readable lines. */
export function undeclared(
  recorded: RecordedCall[],
  declaration: AccessDeclaration,
  scope: TemplateScope,
  secretValue: (secretName: string) => string,
): string[] {
  const calls = applicableCalls(declaration, scope.env);
  return recorded
    .filter((r) => !calls.some((d) => covers(d, r, scope, secretValue)))
    .map(
      (r) =>
        `${r.call} -> ${r.action} on ${r.resource} in ${r.region} as ${r.principal}` +
        (Object.keys(r.context).length ? ` with ${JSON.stringify(r.context)}` : ""),
    );
}
