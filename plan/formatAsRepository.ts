import * as prettier from "prettier";

/**
 * `text` as prettier formats `file` with the repository's own settings (.prettierrc and its
 * overrides), so a generated file passes `npm run lint` exactly as it is written.
 */
export async function formatAsRepository(file: string, text: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}
