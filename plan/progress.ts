/**
 * Progress of a long command on stderr, one line per stage with the elapsed time, only when
 * stderr is a terminal: a pipe, a CI log or `--json` gets nothing extra.
 */
export interface Progress {
  stage(what: string): void;
  done(what: string): void;
}

export function progressOn(
  stream: { isTTY?: boolean; write(text: string): unknown },
  enabled: boolean,
  now: () => number = () => performance.now(),
): Progress {
  const started = now();
  const line = (what: string) => {
    const seconds = ((now() - started) / 1000).toFixed(1).padStart(5);
    stream.write(`[${seconds} s] ${what}\n`);
  };
  if (!enabled || !stream.isTTY) return { stage: () => undefined, done: () => undefined };
  return { stage: line, done: line };
}
