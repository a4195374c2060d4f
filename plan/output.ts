/** A stream the plan writes to: process.stdout or process.stderr, or a test's collector. */
export interface OutStream {
  write(text: string, callback?: (error?: Error | null) => void): unknown;
}

/** Writes and waits for the flush: exiting before it cut piped JSON at 128 KiB. */
export const writeOut = (stream: OutStream, text: string): Promise<void> =>
  new Promise<void>((resolve, reject) =>
    stream.write(text, (error) => (error ? reject(error) : resolve())),
  );
