// Every request and notification handler runs through `guard`: an exception (ours or the
// engine's) becomes a logged error and an empty result, so one bad document or request never
// takes the server down for the others.
export type Logger = { error(msg: string): void; warn(msg: string): void; info(msg: string): void };

export function guard<A extends unknown[], R>(
  log: Logger,
  name: string,
  fallback: R,
  fn: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      log.error(`${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return fallback;
    }
  };
}
