/**
 * The health API's pure core: run named checkpoints side by side, each under a deadline, and
 * answer 200 when all pass or 503 naming the ones that failed. The aggregator reads `failing`.
 */

/** One thing a health API verifies. `run` resolves when it holds and throws (why) when not. */
export interface Checkpoint {
  name: string;
  run: () => Promise<void>;
}

export interface CheckpointResult {
  name: string;
  ok: boolean;
  /** Why it failed; absent when it passed. */
  detail?: string;
}

export interface HealthBody {
  status: "healthy" | "unhealthy";
  failing: string[];
  checkpoints: CheckpointResult[];
}

export interface HealthResponse {
  statusCode: 200 | 503;
  headers: Record<string, string>;
  body: string;
}

/** A promise that rejects after `ms`; the timer is cleared so the Lambda can end promptly. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs every checkpoint in parallel; one slow or failing checkpoint never hides the others. */
export async function runCheckpoints(
  checkpoints: Checkpoint[],
  timeoutMs: number,
): Promise<HealthBody> {
  const results = await Promise.all(
    checkpoints.map(async (checkpoint): Promise<CheckpointResult> => {
      try {
        await withDeadline(checkpoint.run(), timeoutMs, checkpoint.name);
        return { name: checkpoint.name, ok: true };
      } catch (error) {
        return { name: checkpoint.name, ok: false, detail: reasonOf(error) };
      }
    }),
  );
  const failing = results.filter((r) => !r.ok).map((r) => r.name);
  return { status: failing.length ? "unhealthy" : "healthy", failing, checkpoints: results };
}

/** The API Gateway proxy answer for a body. No checkpoints at all is a misconfiguration: 503. */
export function toResponse(body: HealthBody): HealthResponse {
  const healthy = body.status === "healthy" && body.checkpoints.length > 0;
  return {
    statusCode: healthy ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify(healthy ? body : { ...body, status: "unhealthy" }),
  };
}
