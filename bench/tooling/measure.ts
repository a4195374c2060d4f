import { spawn } from "child_process";

export interface Run {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a whole process to its end and times it from spawn to exit, output collected. */
export function timedRun(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        status,
        stdout,
        stderr,
      }),
    );
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Prefix of the summary reporter's line naming a failed test (tests/support/summaryReporter.ts). */
export const FAILED_PREFIX = "failed: ";

/**
 * `N passed, N failed` as the summary reporter's last line says it, with the failed tests it named
 * before that line.
 */
export function testCounts(
  output: string,
): { passed: number; failed: number; failures: string[] } | undefined {
  const match = /^(\d+) passed, (\d+) failed/m.exec(output.split("\n").reverse().join("\n"));
  if (!match) return undefined;
  const failures = output
    .split("\n")
    .filter((line) => line.startsWith(FAILED_PREFIX))
    .map((line) => line.slice(FAILED_PREFIX.length));
  return { passed: Number(match[1]), failed: Number(match[2]), failures };
}
