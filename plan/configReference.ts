import * as path from "path";
import { formatAsRepository } from "./formatAsRepository";
import { configReference } from "../infra/config/reference";

/** Where the configuration reference lives in the repository. */
export const REFERENCE_FILE = path.resolve(__dirname, "..", "docs", "configuration.md");

/** The reference as prettier formats it, so the generated file passes `npm run lint` as written. */
export async function formattedReference(): Promise<string> {
  return formatAsRepository(REFERENCE_FILE, configReference());
}
