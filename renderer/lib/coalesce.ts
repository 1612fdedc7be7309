// Refreshes triggered by bursts of events: at most one runs at a time, and requests that arrive while one runs
// collapse into a single follow-up run, so the UI never shows data older than the last event.
export function coalesce(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  const run = (): Promise<void> => {
    if (running) {
      again ??= running.catch(() => undefined).then(() => {
        again = null;
        return run();
      });
      return again;
    }
    running = (async () => {
      try {
        await fn();
      } finally {
        running = null;
      }
    })();
    return running;
  };
  return run;
}
