import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Writes `text` as `name` in a temporary folder named by the text's digest and returns its path:
 * the same text gets the same path in every process and run, so a result kept across processes
 * (processCache.ts) that names the file is the same whichever process computed it. Written whole,
 * then renamed: a process reading it meanwhile sees the whole file.
 */
export function contentFile(prefix: string, name: string, text: string): string {
  const digest = createHash("sha256").update(name).update("\0").update(text).digest("hex");
  const dir = path.join(os.tmpdir(), `${prefix}-${digest.slice(0, 16)}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
  return file;
}
